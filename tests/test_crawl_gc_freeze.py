"""The crawl freezes its start-up objects out of the garbage collector when the engine starts."""

import gc

from scrapy import signals
from scrapy.utils.test import get_crawler

from crawler.gc_freeze import FreezeStartupObjects
from crawler.run import crawl_settings


def test_crawls_run_with_the_extension_enabled(tmp_path):
    settings = crawl_settings(db_url=f"sqlite:///{tmp_path}/dangan.db", data_dir=tmp_path)
    assert "crawler.gc_freeze.FreezeStartupObjects" in settings.getdict("EXTENSIONS")


def test_engine_start_moves_live_objects_to_the_permanent_generation():
    crawler = get_crawler(settings_dict={"MEMUSAGE_ENABLED": False})
    _extension = FreezeStartupObjects.from_crawler(crawler)  # kept: Scrapy holds signal receivers weakly
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        crawler.signals.send_catch_log(signals.engine_started)
        assert gc.get_freeze_count() > 1000  # the modules, classes and settings loaded so far
    finally:
        gc.unfreeze()
