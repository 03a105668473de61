"""The crawl sets garbage collection for throughput when the engine starts."""

import gc

from scrapy import signals
from scrapy.utils.test import get_crawler

from crawler.gc_tuning import GcTuning
from crawler.run import crawl_settings


def test_crawls_run_with_the_extension_enabled(tmp_path):
    settings = crawl_settings(db_url=f"sqlite:///{tmp_path}/dangan.db", data_dir=tmp_path)
    assert "crawler.gc_tuning.GcTuning" in settings.getdict("EXTENSIONS")


def test_engine_start_freezes_live_objects_and_sets_the_threshold():
    crawler = get_crawler(settings_dict={"MEMUSAGE_ENABLED": False, "DANGAN_GC_THRESHOLD": 5000})
    extension = GcTuning.from_crawler(crawler)  # kept in a variable: Scrapy holds signal receivers weakly
    assert extension.threshold == 5000
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        crawler.signals.send_catch_log(signals.engine_started)
        assert gc.get_freeze_count() > 1000  # the modules, classes and settings loaded so far
        assert gc.get_threshold() == (5000, thresholds[1], thresholds[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
