"""The Spark session a scan runs in: one from spark-submit, or one made here.

Under ``spark-submit`` the master, the name and the cluster settings come from the
submission (``--spark-master`` still overrides the master); run directly (``cuomin scan --engine spark``) the master is ``--spark-master`` or ``local[*]``.
A local master gets settings that keep it on this machine: no web UI, the driver bound to
127.0.0.1, Python workers running this interpreter (so they import this cuomin).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ...errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["LOCAL_DEFAULTS", "require_pyspark", "spark_session"]

log = logging.getLogger(__name__)

#: Settings for a master on this machine (``local``, ``local[N]``, ``local[*]``).
LOCAL_DEFAULTS: Final[Mapping[str, str]] = {
    "spark.ui.enabled": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
}
#: Settings for every master: our own progress display, not Spark's.
COMMON_DEFAULTS: Final[Mapping[str, str]] = {
    "spark.ui.showConsoleProgress": "false",
    "spark.python.worker.reuse": "true",  # the checker is loaded once per Python worker
}


def require_pyspark() -> Any:
    """The pyspark module, or a clear error saying how to install it."""
    try:
        import pyspark
    except ModuleNotFoundError:
        raise ConfigError("--engine spark 需要 PySpark：pip install 'cuomin[spark]'（并安装 Java 17 或更新版本）") from None
    return pyspark


def _submitted() -> bool:
    """Run by spark-submit (which starts the JVM and passes its port to Python)?"""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(
    master: str | None = None, conf: Mapping[str, str] | None = None, app_name: str = "cuomin scan"
) -> tuple[SparkSession, bool]:
    """A session and whether it was created here (and so should be stopped here)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if master and active.sparkContext.master != master:
            log.warning("Spark session already running on %s; --spark-master %s ignored", active.sparkContext.master, master)
        return active, False
    submitted = _submitted()
    if master is None and not submitted:
        master = "local[*]"
    settings: dict[str, str] = dict(COMMON_DEFAULTS)
    if master is not None and master.startswith("local"):
        settings.update(LOCAL_DEFAULTS)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the JVM's own address lookup
        if not os.environ.get("PYSPARK_PYTHON"):
            # pyspark starts its workers with $PYSPARK_PYTHON, else "python3" from PATH,
            # which may not have cuomin: use this interpreter.
            os.environ["PYSPARK_PYTHON"] = sys.executable
    settings.update(conf or {})
    builder = SparkSession.builder
    if not submitted:  # spark-submit's --name and --master stand
        builder = builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, a bad master URL, a port in use...
        raise ConfigError(f"无法启动 Spark（{master or 'spark-submit'}）：{exc}") from None
    spark.sparkContext.setLogLevel(os.environ.get("CUOMIN_SPARK_LOG_LEVEL", "ERROR"))
    return spark, True
