"""PySpark job: runs `whosaid stream` over a JSONL dump on a Spark cluster and writes the same
tables as `whosaid extract` (articles, mentions, entities, quotes, errors, and the dump's
entity_index built from the entities and quotes).

The driver ships the whosaid binary with SparkContext.addFile, and the model directories (the
NER model, and the attribution model unless --quotes rules) and (optionally) libtorch's shared
libraries as archives (.tgz files made once per run in a temporary directory on the driver, added
with SparkContext.addArchive under the fixed names `whosaid-model`, `whosaid-quote-model` and
`whosaid-libtorch`). Spark hands them to every executor the same way on YARN,
Kubernetes, standalone and local-cluster: each executor fetches them from the driver and unpacks
them into its SparkFiles directory, its working directory (removed with the application's
container or pod on YARN and Kubernetes, by the worker's spark.worker.cleanup on standalone).
The dump is read as extract reads it: lines end at "\n" only (Hadoop's textFile also ends them at
a lone "\r", which JSON allows between tokens) and stay bytes (textFile decodes them, putting
U+FFFD for invalid UTF-8, where extract writes an error row). Each input split's lines, blank ones
too, are piped through one `whosaid stream` process told where they lie in the dump
(--line-offset, --byte-offset, --id-stem: ids made up for records without one, a byte-order mark
and the bytes that error rows name come out as in extract over the whole dump), which answers one
JSON line per record in order (`is_record`: extract's own rule for blank lines); with --libtorch
its LD_LIBRARY_PATH names the unpacked libraries (the binary's RUNPATH, the build machine's
libtorch, is searched after LD_LIBRARY_PATH). A task whose
`whosaid stream` dies fails saying how (exit status or signal) with the end of its stderr, and
Spark retries it.
Rows keep the dump's line order, so with --single-files the CSVs equal a single `whosaid extract`
run on the same dump (error and article rows name the dump and its line number, as extract does).

    spark-submit [--conf spark.task.cpus=2] scripts/spark/whosaid_job.py --input dump.jsonl \
        --output out/ --binary target/release/whosaid --model models/ner-en \
        [--quote-model models/quotes-en] [--quotes both|rules|model] \
        [--libtorch ~/.cache/whosaid/libtorch-2.4.0/lib] [--partitions 64] [--threads 2] [--single-files]

Without --single-files each table is a directory of CSV part files (header in each part), ordered
by the dump's line order, written by Spark: the form to use on a cluster with a large dump.

The entity index (entity_index.csv: one row per entity_key, with its label and canonical name by
mentions' vote, articles, mentions and quotes as speaker) is aggregated by Spark from the entity
and quote rows exactly as `whosaid extract` and `whosaid index` build it (the same ties, the same
key order), so it too equals a single run's.

Column names and their order come from the binary: before the dump is processed, one task runs
`whosaid extract` on an empty dump on an executor and reads the header lines it writes, and
every row of `whosaid stream` must have exactly those keys in that order (the Rust side serializes
the same row structs for both), else the task fails saying so. Columns added to the CSVs on the
Rust side therefore need no change here, except where a row names its input: the `input` and
`record` of error and article rows are set here to the dump as given and the line's number in
it, as extract writes them (stream reads stdin, and names it `<stdin>`), and so is the
`article_key` made of them that the article's rows in every table carry (`article_key` below).
"""
import argparse
import collections
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import threading

from pyspark import SparkConf, SparkContext, SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# The tables, in extract's order; their files are TABLE.csv.
TABLES = ["articles", "mentions", "entities", "quotes", "errors"]
# What extract derives from them when it finishes.
INDEX = "entity_index"
# EntityLabel::ALL's order: the index breaks label ties by it.
LABEL_ORDER = ["LOC", "MISC", "ORG", "PER"]
# Names of the unpacked archives in each executor's SparkFiles directory (the `#alias` part).
MODEL_ALIAS = "whosaid-model"
QUOTE_MODEL_ALIAS = "whosaid-quote-model"
LIBTORCH_ALIAS = "whosaid-libtorch"
# The UTF-8 byte-order mark.
BOM = b"\xef\xbb\xbf"
# Lines of a failed `whosaid stream`'s stderr shown in the task's error.
STDERR_TAIL_LINES = 30
STDERR_TAIL_CHARS = 4000


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True, help="one JSONL dump, gzipped or not (any path Spark reads)")
    p.add_argument("--output", required=True, help="output directory")
    p.add_argument("--binary", required=True, help="the whosaid binary (built for the executors' OS)")
    p.add_argument("--model", required=True, help="model directory, e.g. models/ner-en")
    p.add_argument("--quote-model", default="models/quotes-en",
                   help="attribution model directory (shipped unless --quotes rules)")
    p.add_argument("--quotes", choices=["both", "rules", "model"], default=None,
                   help="quote method passed to whosaid (default: the binary's default)")
    p.add_argument("--libtorch", help="directory of libtorch's .so files to ship (when executors lack them)")
    p.add_argument("--partitions", type=int, default=None,
                   help="input splits of about a P-th of the dump each (a gzipped dump is one split)")
    p.add_argument("--threads", type=int, default=1, help="threads per whosaid process (= cores per task)")
    p.add_argument("--single-files", action="store_true", help="write one CSV per table on the driver")
    return p.parse_args()


def make_archive(directory, path, compresslevel):
    """Writes DIRECTORY's files, at the archive's top level, to the .tgz PATH."""
    if not os.path.isdir(directory):
        raise SystemExit(f"{directory}: not a directory")
    with tarfile.open(path, "w:gz", compresslevel=compresslevel, dereference=True) as tar:
        for name in sorted(os.listdir(directory)):
            tar.add(os.path.join(directory, name), arcname=name)
    return path


def shipped(name):
    """Absolute path of a shipped file or unpacked archive on this executor."""
    return os.path.abspath(os.path.join(SparkFiles.getRootDirectory(), name))


def executor_command(binary_name, subcommand, threads, shipped_parts):
    """The binary's path, its arguments up to --threads, and the environment to run it in.
    `shipped_parts` says what else was shipped: (have_libtorch, have_quote_model, quotes)."""
    have_libtorch, have_quote_model, quotes = shipped_parts
    binary = shipped(binary_name)
    if not os.access(binary, os.X_OK):
        os.chmod(binary, 0o755)
    env = dict(os.environ)
    if have_libtorch:
        # The binary's RUNPATH names libtorch on the build machine; LD_LIBRARY_PATH is searched
        # before a RUNPATH, so the shipped copy is used wherever it is.
        old = env.get("LD_LIBRARY_PATH")
        env["LD_LIBRARY_PATH"] = shipped(LIBTORCH_ALIAS) + (":" + old if old else "")
    cmd = [binary, subcommand, "--model", shipped(MODEL_ALIAS)]
    if have_quote_model:
        cmd += ["--quote-model", shipped(QUOTE_MODEL_ALIAS)]
    if quotes:
        cmd += ["--quotes", quotes]
    cmd += ["--threads", str(threads)]
    return cmd, env


def how_it_ended(returncode):
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"was killed by signal {-returncode} ({name})"
    return f"exited with status {returncode}"


def child_failure(what, pid, returncode, stderr_tail, detail=""):
    tail = "".join(stderr_tail).rstrip("\n")[-STDERR_TAIL_CHARS:]
    n = len(stderr_tail)
    shown = f"its stderr (last {n} line{'' if n == 1 else 's'}):\n{tail}" if n else "its stderr was empty"
    where = f"pid {pid} on {socket.gethostname()}"
    return RuntimeError(f"{what} ({where}) {how_it_ended(returncode)}{detail}; {shown}")


def probe_headers(binary_name, shipped_parts):
    """Runs `whosaid extract` on an empty dump here and returns {table: header columns}."""
    scratch = tempfile.mkdtemp(prefix="whosaid-headers-", dir=SparkFiles.getRootDirectory())
    try:
        empty = os.path.join(scratch, "empty.jsonl")
        open(empty, "w").close()
        cmd, env = executor_command(binary_name, "extract", 1, shipped_parts)
        cmd[2:2] = [empty, "--out", os.path.join(scratch, "out"), "--quiet"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=env)
        _, err = proc.communicate()
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").splitlines(keepends=True)
            raise child_failure("whosaid extract (reading the CSV headers)", proc.pid, proc.returncode,
                                lines[-STDERR_TAIL_LINES:])
        headers = {}
        for table in TABLES + [INDEX]:
            with open(os.path.join(scratch, "out", f"{table}.csv"), newline="", encoding="utf-8") as f:
                headers[table] = next(csv.reader(f))
        return headers
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def is_record(line):
    """Whether extract reads a line of the dump (bytes) as a record, by its own rule: not a line
    of ASCII white space only (Unicode spaces make error rows), after the byte-order mark that
    may open any line (files saved with one, joined)."""
    if line.startswith(BOM):
        line = line[len(BOM):]
    return line.strip(b" \t\n\r\x0c") != b""


def id_stem(input_path):
    """The stem extract gives made-up ids (`dump:17` for line 17 of `dump.jsonl.gz`)."""
    name = os.path.basename(input_path.rstrip("/"))
    base, dot, ext = name.rpartition(".")
    if dot and ext.lower() == "gz":
        name = base
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def dump_file(sc, input_path):
    """The dump's qualified path and size, after checking that --input names one file that Spark's
    file sources read: they skip a file named `_…` or `.…` without a word (no lines, no error)."""
    jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(input_path)
    fs = path.getFileSystem(conf)
    if not fs.exists(path):
        raise SystemExit(f"{input_path}: no such file (the job reads one dump: no globs)")
    status = fs.getFileStatus(path)
    if status.isDirectory():
        raise SystemExit(f"{input_path}: a directory (the job reads one dump file; run it once per file)")
    if path.getName().startswith(("_", ".")):
        raise SystemExit(f"{input_path}: Spark's file sources skip names that start with '_' or '.' "
                         "(it would read no line): rename the dump or link it under another name")
    qualified = fs.makeQualified(path).toString()
    refuse_other_formats(sc, input_path, qualified)
    return qualified, status.getLen()


def refuse_other_formats(sc, input_path, qualified):
    """Refuses a dump that extract reads as something else than JSON lines: each of its lines
    would go to `whosaid stream` as a record, the job writing error rows where extract writes
    articles, with exit 0 (a two-element .json array: 1 article and 3 error rows, against 2
    articles). A `.json` file is JSON lines unless it opens with `[`, as extract decides."""
    name = os.path.basename(input_path.rstrip("/")).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = name.rpartition(".")[2] if "." in name else ""
    how = ("the job reads JSON lines (.jsonl, .ndjson, or .json with one object per line); "
           "run `whosaid extract` on it, or convert it first")
    if ext in ("jsonl", "ndjson"):
        return
    if ext != "json":
        raise SystemExit(f"{input_path}: {'a .' + ext if ext else 'a'} file, not JSON lines: {how}")
    if first_byte(sc, qualified) == ord("["):
        raise SystemExit(f"{input_path}: a JSON array (it opens with '['), not JSON lines: {how} "
                         "(`jq -c '.[]' dump.json > dump.jsonl`)")


def first_byte(sc, file_path):
    """The first byte of the dump (decompressed) that is not white space or a byte-order mark,
    or None for a dump of nothing else."""
    stream = open_dump(sc, file_path)
    try:
        skipping_bom = list(BOM)
        while True:
            b = stream.read()
            if b < 0:
                return None
            if skipping_bom and b == skipping_bom[0]:
                skipping_bom.pop(0)
                continue
            skipping_bom = []
            if b not in b" \t\r\n":
                return b
    finally:
        stream.close()


def open_dump(sc, file_path):
    """The dump's bytes, decompressed by the codec its name says (Hadoop's rule)."""
    jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(file_path)
    stream = path.getFileSystem(conf).open(path)
    codec = jvm.org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path)
    if codec is not None:
        stream = codec.createInputStream(stream)
    return stream


def read_dump(spark, dump, partitions):
    """The dump's lines as (bytes, file, split start) rows, in order within each split: Spark's
    text source split at "\n" only, each line cast to its bytes (never decoded)."""
    path, size = dump
    if partitions:
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(max(1, -(-size // partitions))))
    df = spark.read.option("lineSep", "\n").text(path)
    return df.select(F.col("value").cast("binary"), F.col("_metadata.file_path"),
                     F.col("_metadata.file_block_start")).rdd.map(tuple)


def opens_with_bom(sc, file_path):
    """Whether the dump (decompressed) opens with a UTF-8 byte-order mark, which Hadoop's line
    reader takes off the first line (extract does too, but counts its bytes)."""
    stream = open_dump(sc, file_path)
    try:
        return all(stream.read() == b for b in BOM)
    finally:
        stream.close()


def split_starts(sc, lines, dump):
    """{(file, split start): (index of its first line in the dump, its first byte)}, from one pass
    that counts each split's lines and bytes (a line's bytes and its "\n"), and whether the dump
    opens with a byte-order mark (not in the first line's bytes, but counted)."""
    def count(rows):
        sizes = {}
        for line, path, block in rows:
            n, size = sizes.get((path, block), (0, 0))
            sizes[(path, block)] = (n + 1, size + len(line) + 1)
        return list(sizes.items())

    sizes = sorted(lines.mapPartitions(count).collect())
    bom = bool(sizes) and opens_with_bom(sc, dump[0])
    starts, index, offset = {}, 0, 0
    for key, (n, size) in sizes:
        if index == 0 and bom:
            size += len(BOM)
        starts[key] = (index, offset)
        index, offset = index + n, offset + size
    print(f"whosaid job: {dump[0]}: {index} lines in {len(sizes)} splits")
    return starts, bom


def split_runs(rows, starts, bom):
    """A partition's rows as runs of one split each: (first line's index, first byte, lines), the
    dump's first line with the byte-order mark that Hadoop took off it (`split_starts`)."""
    key, run = None, []
    for line, path, block in rows:
        if (path, block) != key:
            if run:
                yield starts[key] + (run,)
            key, run = (path, block), []
        run.append(BOM + bytes(line) if bom and not run and starts[key][0] == 0 else bytes(line))
    if run:
        yield starts[key] + (run,)


def pipe_run(first_index, first_byte, lines, binary_name, threads, shipped_parts, stem):
    """Feeds a run of the dump's lines (bytes), blank ones too, from line `first_index` (from 0)
    and byte `first_byte` on, to one `whosaid stream` told where they lie in the dump
    (--line-offset, --byte-offset, --id-stem: made-up ids, the byte-order mark and error rows as
    extract has them), and yields (index, result line) for its records."""
    if not lines:
        return
    records = [(first_index + i, line) for i, line in enumerate(lines) if is_record(line)]
    cmd, env = executor_command(binary_name, "stream", threads, shipped_parts)
    cmd += ["--line-offset", str(first_index), "--byte-offset", str(first_byte), "--id-stem", stem]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def feed():
        try:
            for line in lines:
                proc.stdin.write(line + b"\n")
            proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the child died; its exit status says how

    stderr_tail = collections.deque(maxlen=STDERR_TAIL_LINES)

    def drain_stderr():
        for raw in proc.stderr:
            stderr_tail.append(raw.decode("utf-8", "replace"))

    writer = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=drain_stderr, daemon=True)
    writer.start()
    reader.start()
    answered, complete = 0, False
    try:
        for raw in proc.stdout:
            if answered == len(records):
                raise RuntimeError(f"whosaid stream answered more lines than the {len(records)} records it got")
            yield records[answered][0], raw.decode("utf-8")
            answered += 1
        complete = True
    finally:
        if not complete:  # failed or abandoned: the child must not outlive the task
            proc.kill()
        proc.stdout.close()
        writer.join()
        proc.wait()
        reader.join()
    if proc.returncode != 0:
        raise child_failure("whosaid stream", proc.pid, proc.returncode, list(stderr_tail),
                            f" after answering {answered} of {len(records)} records")
    if answered != len(records):
        raise RuntimeError(f"whosaid stream answered {answered} lines for {len(records)} records")


# FNV-1a, 128 bits (src/fnv.rs): its offset basis, prime, and the bits kept.
FNV128_OFFSET = 0x6C62272E07BB014262B821756295C58D
FNV128_PRIME = 0x0000000001000000000000000000013B
FNV128_MASK = (1 << 128) - 1


def text_of(path):
    """A path as extract writes it in its `input` column (src/paths.rs `text_of`): as it is where
    it is UTF-8, each byte that is not (Python holds them as surrogates, `os.fsdecode`) or is an
    ASCII control character as `\\xNN`, a C1 control (U+0080 to U+009F) as `\\u{9B}`, a
    backslash as `\\\\`: b"caf\\xe9.jsonl" is
    `caf\\xE9.jsonl`. Encoded as UTF-8, such a path raised."""
    out = []
    for c in os.fsencode(path).decode("utf-8", "surrogateescape"):
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02X}")
        elif c == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02X}")
        elif 0x80 <= code <= 0x9F:
            out.append(f"\\u{{{code:X}}}")
        else:
            out.append(c)
    return "".join(out)


def article_key(input_text, record):
    """extract's `article_key` (src/output.rs): FNV-1a 128 of the input as its `input` column
    writes it (`text_of`), a NUL byte and the record, as 32 hex digits. `article_key("a", "")`
    is FNV-1a 128 of b"a\\0"."""
    h = FNV128_OFFSET
    for b in input_text.encode("utf-8") + b"\0" + record.encode("utf-8"):
        h = ((h ^ b) * FNV128_PRIME) & FNV128_MASK
    return f"{h:032x}"


def names_of_line(input_path, index):
    """Where line `index` (from 0) of the dump was read, as extract names it: the dump as given
    (`text_of`) and the line's number in it (stream names its input `<stdin>`), and the article's
    key made of them: computed once for the line's article and every row of it."""
    input_text, record = text_of(input_path), f"line {index + 1}"
    return {"input": input_text, "record": record, "article_key": article_key(input_text, record)}


def named_as_extract(row, names):
    """A row naming where it was read as extract names it (`names_of_line`). Only columns the
    row has are set: an error row has no key, a child row no input, and a binary from before
    them writes no such columns, in extract either."""
    return {k: names.get(k, v) for k, v in row.items()}


def to_rows(item, input_path, headers):
    """One result line into (table, index, position, cells) tuples; numbers keep their JSON text."""
    index, line = item
    obj = json.loads(line, parse_float=str, parse_int=str)
    names = names_of_line(input_path, index)
    if "error" in obj:
        e = named_as_extract(obj["error"], names)
        return [("errors", index, 0, cells(e, headers["errors"], "errors"))]
    out = []
    if obj.get("article") is not None:
        a = named_as_extract(obj["article"], names)
        out.append(("articles", index, 0, cells(a, headers["articles"], "articles")))
    for table in ("mentions", "entities", "quotes"):
        for pos, row in enumerate(obj[table]):
            row = named_as_extract(row, names)
            out.append((table, index, pos, cells(row, headers[table], table)))
    return out


def cells(row, header, table):
    if list(row) != header:
        raise ValueError(
            f"whosaid stream's {table} keys {list(row)} differ from the columns of extract's "
            f"{table}.csv {header}: the binary's stream and CSV writers disagree"
        )
    # As the CSV writer prints them: booleans lower case, absent values empty.
    return ["" if v is None else json.dumps(v) if isinstance(v, bool) else str(v) for v in row.values()]


def main():
    args = parse_args()
    scratch = tempfile.mkdtemp(prefix="whosaid-archives-")
    spark = None
    try:
        # Archives are made before Spark starts, so a bad path fails fast.
        model_tgz = make_archive(args.model, os.path.join(scratch, MODEL_ALIAS + ".tgz"), 6)
        quote_model_tgz = None
        if args.quotes != "rules":
            quote_model_tgz = make_archive(
                args.quote_model, os.path.join(scratch, QUOTE_MODEL_ALIAS + ".tgz"), 6)
        libtorch_tgz = None
        if args.libtorch:
            # ~480 MB of libraries: level 1 compresses nearly as well as 6 in a fraction of the time.
            libtorch_tgz = make_archive(args.libtorch, os.path.join(scratch, LIBTORCH_ALIAS + ".tgz"), 1)
        # With the JVM up, SparkConf holds spark-submit's settings (before, it would start empty
        # and what it sets would replace them).
        SparkContext._ensure_initialized()
        conf = SparkConf()
        opts = conf.get("spark.executor.extraJavaOptions", "") or ""
        if "-Djava.io.tmpdir=" not in opts:
            # Executors download each archive into a new directory under java.io.tmpdir before
            # unpacking it into their SparkFiles directory, and delete it only when the JVM exits
            # normally: a lost executor would leave a copy of the model (and of libtorch) in /tmp.
            # Their working directory, where the unpacked copies are and which the cluster manager
            # cleans up with them, takes that download instead (YARN puts java.io.tmpdir in the
            # container anyway; a user's -Djava.io.tmpdir is kept).
            conf.set("spark.executor.extraJavaOptions", (opts + " -Djava.io.tmpdir=.").strip())
        spark = SparkSession.builder.appName("whosaid").config(conf=conf).getOrCreate()
        run(spark, args, (model_tgz, quote_model_tgz, libtorch_tgz))
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def run(spark, args, archives):
    model_tgz, quote_model_tgz, libtorch_tgz = archives
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.binary))
    binary_name = os.path.basename(args.binary)
    sc.addArchive(model_tgz + "#" + MODEL_ALIAS)
    if quote_model_tgz:
        sc.addArchive(quote_model_tgz + "#" + QUOTE_MODEL_ALIAS)
    if libtorch_tgz:
        sc.addArchive(libtorch_tgz + "#" + LIBTORCH_ALIAS)
    threads = args.threads
    shipped_parts = (libtorch_tgz is not None, quote_model_tgz is not None, args.quotes)

    input_path = args.input
    dump = dump_file(sc, input_path)
    headers = sc.parallelize([0], 1).map(lambda _: probe_headers(binary_name, shipped_parts)).collect()[0]

    # Each split is a run of the dump's lines, in order: its stream gets them all, blank ones too,
    # and answers its records (`is_record`).
    lines = read_dump(spark, dump, args.partitions)
    placement = sc.broadcast(split_starts(sc, lines, dump))
    # As extract spells the stem of made-up ids (`text_of`; a name that is not UTF-8 stopped
    # `whosaid stream`, whose --id-stem is text).
    stem = text_of(id_stem(input_path))
    results = lines.mapPartitions(lambda part: (
        answer for run in split_runs(part, *placement.value)
        for answer in pipe_run(*run, binary_name, threads, shipped_parts, stem)))
    rows = results.flatMap(lambda item: to_rows(item, input_path, headers)).cache()

    if args.single_files:
        os.makedirs(args.output, exist_ok=True)
    for table in TABLES:
        ordered = rows.filter(lambda r, t=table: r[0] == t).sortBy(lambda r: (r[1], r[2]))
        if args.single_files:
            path = os.path.join(args.output, f"{table}.csv")
            with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(headers[table])
                for _, _, _, row in ordered.toLocalIterator():
                    w.writerow(row)
            os.replace(path + ".tmp", path)
        else:
            write_parts(spark, ordered.map(lambda r: r[3]), headers[table], os.path.join(args.output, table))
    index = entity_index(rows, headers)
    if args.single_files:
        path = os.path.join(args.output, f"{INDEX}.csv")
        with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(headers[INDEX])
            for row in index.toLocalIterator():
                w.writerow(row)
        os.replace(path + ".tmp", path)
    else:
        write_parts(spark, index, headers[INDEX], os.path.join(args.output, INDEX))


def write_parts(spark, cells, header, path):
    """Writes rows of cells as Spark's part files, cells as extract writes them: an empty cell is
    null (Spark would write "" for an empty string), quotes doubled (not backslash-escaped), white
    space kept."""
    schema = ", ".join(f"`{c}` string" for c in header)
    df = spark.createDataFrame(cells.map(lambda r: [c if c != "" else None for c in r]), schema)
    (df.write.mode("overwrite").option("header", True).option("escape", '"')
     .option("ignoreLeadingWhiteSpace", False).option("ignoreTrailingWhiteSpace", False)
     .csv(path))


def entity_index(rows, headers):
    """The entity index's rows (lists of cells), in key order, from the (table, index, position,
    cells) rows: what `whosaid index` computes (src/report/index.rs), aggregated by key."""
    eh, qh = headers["entities"], headers["quotes"]

    def entity(r):
        e = dict(zip(eh, r[3]))
        key = e["entity_key"].strip()
        if not key:  # a run without keys: label and folded canonical, as the report does
            key = f"{e['label']}:{' '.join(e['canonical'].split()).lower()}"
        return r[1], e, key

    ents = (rows.filter(lambda r: r[0] == "entities").map(entity)
            .filter(lambda x: x[1]["ambiguous"] != "true"))
    totals = ents.map(lambda x: (x[2], ({x[1]["label"]: int(x[1]["mentions"])},
                                        {x[1]["canonical"]: int(x[1]["mentions"])},
                                        int(x[1]["mentions"])))).reduceByKey(merge_totals)
    articles = ents.map(lambda x: (x[2], x[0])).distinct().map(lambda kv: (kv[0], 1)).reduceByKey(lambda a, b: a + b)
    speaker = qh.index("speaker_entity_id")
    spoken = (rows.filter(lambda r: r[0] == "quotes" and r[3][speaker] != "")
              .map(lambda r: ((r[1], r[3][speaker]), 1)).reduceByKey(lambda a, b: a + b))
    quotes = (ents.map(lambda x: ((x[0], x[1]["entity_id"]), x[2])).join(spoken)
              .map(lambda kv: (kv[1][0], kv[1][1])).reduceByKey(lambda a, b: a + b))
    joined = totals.join(articles).leftOuterJoin(quotes)
    return joined.map(lambda kv: index_row(kv[0], kv[1][0][0], kv[1][0][1], kv[1][1] or 0)).sortBy(lambda r: r[0].encode("utf-8"))


def merge_totals(a, b):
    labels, names = dict(a[0]), dict(a[1])
    for k, v in b[0].items():
        labels[k] = labels.get(k, 0) + v
    for k, v in b[1].items():
        names[k] = names.get(k, 0) + v
    return labels, names, a[2] + b[2]


def index_row(key, totals, articles, quotes):
    labels, names, mentions = totals
    label = min(labels, key=lambda l: (-labels[l], LABEL_ORDER.index(l)))
    canonical = min(names, key=lambda n: (-names[n], -len(n), n.encode("utf-8")))
    return [key, label, canonical, str(articles), str(mentions), str(quotes)]


if __name__ == "__main__":
    main()
