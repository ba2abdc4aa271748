#!/usr/bin/env python3
"""Tests of whosaid_job.py's own rules that need no Spark (pyspark is stubbed): how it names
where a row was read, as `whosaid extract` does. Run: python3 -B scripts/spark/test_whosaid_job.py
(scripts/spark/test-local runs the whole job against extract)."""
import json
import os
import sys
import types
import unittest

for name in ("pyspark", "pyspark.sql", "pyspark.sql.functions"):
    stub = types.ModuleType(name)
    stub.SparkConf = stub.SparkContext = stub.SparkFiles = stub.SparkSession = None
    sys.modules[name] = stub
sys.modules["pyspark.sql"].functions = sys.modules["pyspark.sql.functions"]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import whosaid_job as job  # noqa: E402


class NamesAsExtract(unittest.TestCase):
    # The keys `whosaid extract` wrote for line 1 of these files (run by hand, this session).
    CAFE = os.fsdecode(b"caf\xe9.jsonl")
    CAFE_KEY = "2131c84d7db5d9826f23a7e7fce53fe4"
    ODD = "a\\b\x1b.jsonl"
    ODD_KEY = "fddfc5deabbf37e804a5cdb0c7636216"

    def test_a_path_that_is_not_utf8_is_written_and_keyed_as_extract_does(self):
        # Encoded as UTF-8, the path raised (UnicodeEncodeError) and the task failed.
        self.assertEqual(job.text_of(self.CAFE), "caf\\xE9.jsonl")
        self.assertEqual(job.names_of_line(self.CAFE, 0)["article_key"], self.CAFE_KEY)
        self.assertEqual(job.text_of(self.ODD), "a\\\\b\\x1B.jsonl")
        self.assertEqual(job.names_of_line(self.ODD, 0)["article_key"], self.ODD_KEY)
        self.assertEqual(job.text_of(job.id_stem(self.ODD)), "a\\\\b\\x1B")
        self.assertEqual(job.text_of("dump.jsonl"), "dump.jsonl")
        # A C1 control, valid UTF-8, as extract writes it (src/paths.rs).
        self.assertEqual(job.text_of("z\u009b.jsonl"), "z\\u{9B}.jsonl")

    def test_the_key_is_made_once_per_article(self):
        headers = {
            "articles": ["id", "input", "record", "article_key"],
            "mentions": ["article_id", "start", "article_key"],
            "entities": ["article_id", "article_key"],
            "quotes": ["article_id", "article_key"],
        }
        line = json.dumps({
            "article": {"id": "a", "input": "<stdin>", "record": "line 1", "article_key": "x"},
            "mentions": [{"article_id": "a", "start": i, "article_key": "x"} for i in range(3)],
            "entities": [{"article_id": "a", "article_key": "x"}],
            "quotes": [],
        })
        made = []
        real = job.article_key
        job.article_key = lambda *a: made.append(a) or real(*a)
        try:
            rows = job.to_rows((0, line), self.CAFE, headers)
        finally:
            job.article_key = real
        self.assertEqual(len(made), 1)
        self.assertEqual({r[3][-1] for r in rows}, {self.CAFE_KEY})
        self.assertEqual(rows[0][3][1:3], ["caf\\xE9.jsonl", "line 1"])


if __name__ == "__main__":
    unittest.main()
