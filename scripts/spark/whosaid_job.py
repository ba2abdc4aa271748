"""PySpark job: runs `whosaid stream` over a JSONL dump on a Spark cluster and writes the same
five tables as `whosaid extract` (articles, mentions, entities, quotes, errors).

The driver ships the whosaid binary, the model directory and (optionally) libtorch's shared
libraries to every executor with SparkContext.addFile; each partition's lines are piped through
one `whosaid stream` process, which answers one JSON line per record in order. Rows keep the
dump's line order, so with --single-files the CSVs equal a single `whosaid extract` run on the
same dump (error rows name the dump and its line number, as extract does).

    spark-submit scripts/spark/whosaid_job.py --input dump.jsonl --output out/ \
        --binary target/release/whosaid --model models/ner-en [--libtorch ~/.cache/whosaid/libtorch-2.4.0/lib] \
        [--partitions 64] [--threads 2] [--single-files]

Without --single-files each table is a directory of CSV part files (header in each part), ordered
by the dump's line order, written by Spark: the form to use on a cluster with a large dump.
"""
import argparse
import csv
import json
import os
import subprocess
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession

TABLES = ["articles", "mentions", "entities", "quotes", "errors"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True, help="JSONL dump (any path Spark's textFile reads)")
    p.add_argument("--output", required=True, help="output directory")
    p.add_argument("--binary", required=True, help="the whosaid binary (built for the executors' OS)")
    p.add_argument("--model", required=True, help="model directory, e.g. models/ner-en")
    p.add_argument("--libtorch", help="directory of libtorch's .so files to ship (when executors lack them)")
    p.add_argument("--partitions", type=int, default=None, help="minimum input partitions")
    p.add_argument("--threads", type=int, default=1, help="threads per whosaid process (= cores per task)")
    p.add_argument("--single-files", action="store_true", help="write one CSV per table on the driver")
    return p.parse_args()


def pipe_partition(lines, threads, have_libtorch, model_name):
    """Feeds (index, line) pairs to one `whosaid stream` and yields (index, result line)."""
    lines = list(lines)
    if not lines:
        return
    binary = SparkFiles.get("whosaid")
    os.chmod(binary, 0o755)
    env = dict(os.environ)
    if have_libtorch:
        env["LD_LIBRARY_PATH"] = SparkFiles.get("libtorch-lib") + ":" + env.get("LD_LIBRARY_PATH", "")
    cmd = [binary, "stream", "--model", SparkFiles.get(model_name), "--threads", str(threads)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def feed():
        for _, line in lines:
            proc.stdin.write(line.encode("utf-8") + b"\n")
        proc.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    stderr = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()))
    reader.start()
    results = [l.decode("utf-8") for l in proc.stdout]
    writer.join()
    reader.join()
    if proc.wait() != 0:
        raise RuntimeError(f"whosaid stream failed: {stderr[0].decode('utf-8', 'replace')}")
    if len(results) != len(lines):
        raise RuntimeError(f"whosaid stream answered {len(results)} lines for {len(lines)} records")
    for (index, _), result in zip(lines, results):
        yield index, result


def to_rows(item, input_path):
    """One result line into (table, index, position, row) tuples; numbers keep their JSON text."""
    index, line = item
    obj = json.loads(line, parse_float=str, parse_int=str)
    out = []
    if "error" in obj:
        e = obj["error"]
        # As extract names them: the dump, and the line's number in it.
        out.append(("errors", index, 0, [input_path, f"line {index + 1}", e["reason"]]))
        return out
    if obj.get("article") is not None:
        out.append(("articles", index, 0, list(obj["article"].values())))
    for table in ("mentions", "entities", "quotes"):
        for pos, row in enumerate(obj[table]):
            out.append((table, index, pos, list(row.values())))
    return out


def cell(v):
    return "" if v is None else str(v)


def main():
    args = parse_args()
    model_name = os.path.basename(os.path.normpath(args.model))
    spark = SparkSession.builder.appName("whosaid").getOrCreate()
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.binary))
    sc.addFile(os.path.abspath(args.model), recursive=True)
    if args.libtorch:
        # Shipped under a fixed name so executors find it.
        link = os.path.join(os.path.dirname(os.path.abspath(args.output)) or ".", ".libtorch-lib-ship")
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.islink(link):
            os.symlink(os.path.abspath(args.libtorch), link)
        sc.addFile(link, recursive=True)
    threads, have_libtorch = args.threads, bool(args.libtorch)

    def run(part):
        return pipe_partition(part, threads, have_libtorch, model_name)

    lines = sc.textFile(args.input, args.partitions).zipWithIndex().map(lambda x: (x[1], x[0]))
    # Blank lines are no records (extract skips them too).
    records = lines.filter(lambda x: x[1].strip() != "")
    results = records.mapPartitions(run)
    rows = results.flatMap(lambda item: to_rows(item, args.input)).cache()

    headers = header_names()
    os.makedirs(args.output, exist_ok=True)
    for table in TABLES:
        ordered = rows.filter(lambda r, t=table: r[0] == t).sortBy(lambda r: (r[1], r[2]))
        if args.single_files:
            path = os.path.join(args.output, f"{table}.csv")
            with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(headers[table])
                for _, _, _, row in ordered.toLocalIterator():
                    w.writerow([cell(v) for v in row])
            os.replace(path + ".tmp", path)
        else:
            df = spark.createDataFrame(ordered.map(lambda r: [cell(v) for v in r[3]]), headers[table])
            df.write.mode("overwrite").option("header", True).csv(os.path.join(args.output, table))
    spark.stop()


def header_names():
    return {
        "articles": ["id", "title", "chars", "n_entities", "n_quotes", "status"],
        "mentions": ["article_id", "start", "end", "text", "label", "score", "entity_id"],
        "entities": ["article_id", "entity_id", "canonical", "label", "country_code", "mentions", "first_start"],
        "quotes": ["article_id", "quote_id", "start", "end", "text", "cue", "speaker_start", "speaker_end",
                   "speaker_text", "speaker_entity_id", "speaker_canonical", "kind"],
        "errors": ["input", "record", "reason"],
    }


if __name__ == "__main__":
    main()
