"""The crawl sets garbage collection for throughput when the engine starts."""

import gc

from scrapy import signals
from scrapy.utils.test import get_crawler

from crawler.gc_tuning import GcTuning
from crawler.run import crawl_settings


def test_crawls_run_with_the_extension_enabled(tmp_path):
    settings = crawl_settings(db_url=f"sqlite:///{tmp_path}/dangan.db", data_dir=tmp_path)
    assert "crawler.gc_tuning.GcTuning" in settings.getdict("EXTENSIONS")


def test_the_collector_is_tuned_while_a_crawl_runs_and_put_back_after():
    crawler = get_crawler(settings_dict={"MEMUSAGE_ENABLED": False, "DANGAN_GC_THRESHOLD": 5000})
    extension = GcTuning.from_crawler(crawler)  # kept in a variable: Scrapy holds signal receivers weakly
    assert extension.threshold == 5000
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        crawler.signals.send_catch_log(signals.engine_started)
        assert gc.get_freeze_count() > 1000  # the modules, classes and settings loaded so far
        assert gc.get_threshold() == (5000, thresholds[1], thresholds[2])
        crawler.signals.send_catch_log(signals.engine_stopped)
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_with_two_crawls_the_last_to_stop_puts_the_collector_back():
    thresholds = gc.get_threshold()
    crawlers = [get_crawler(settings_dict={"MEMUSAGE_ENABLED": False}) for _ in range(2)]
    extensions = [GcTuning.from_crawler(crawler) for crawler in crawlers]
    try:
        for crawler in crawlers:
            crawler.signals.send_catch_log(signals.engine_started)
        crawlers[0].signals.send_catch_log(signals.engine_stopped)
        assert gc.get_freeze_count() > 0  # the other crawl still runs
        assert gc.get_threshold()[0] == extensions[1].threshold
        crawlers[1].signals.send_catch_log(signals.engine_stopped)
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
