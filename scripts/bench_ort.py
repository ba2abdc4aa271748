"""ONNX Runtime on whosaid's NER model, as a speed-minded user would run it (scripts/bench-ort).

Builds the model's ONNX graph straight from `model.safetensors` (BERT token classification with
the casing classes as token types, so the tags are the real model's, node for node as the
Hugging Face export writes BERT), applies ONNX Runtime's BERT fusions, saves it in f32 and
dynamically quantized to int8 (per channel), then for each engine:
  - times the forward passes over the dump's windows (written by examples/dump_windows, the
    windows whosaid's encoder gets with --all-sentences), batches of BATCH windows in order,
    padded to the batch's longest, with the given thread count;
  - scores the tags of CoNLL-2003 dev's windows, entity-level micro F1 (conlleval chunks:
    an I- tag after O or another type starts a chunk), each word tagged by its first piece;
then times int8 once more the way whosaid's extract uses the same cores: THREADS one-thread
sessions side by side (Python threads; ONNX Runtime releases the GIL while it runs), each
taking the next batch from one shared queue.

usage: bench_ort.py MODEL_DIR WORK_DIR DUMP_WINDOWS DEV_WINDOWS DEV_CONLL THREADS BATCH
Prints the fusions applied, one line per engine (seconds, pieces/s, windows/s, dev F1), and
JSON on the last line.
"""
import itertools
import json
import math
import os
import sys
import threading
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.transformers import optimizer
from safetensors.numpy import load_file


def build_graph(model_dir, path):
    """Writes the BERT token classifier of MODEL_DIR as an ONNX graph (opset 17)."""
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    w = {k: v.astype(np.float32) for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()}
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = cfg.get("layer_norm_eps", 1e-12)
    nodes, inits = [], []
    counter = [0]

    def name(prefix):
        counter[0] += 1
        return f"{prefix}_{counter[0]}"

    def const(array, prefix="c"):
        n = name(prefix)
        inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def op(kind, inputs, **attrs):
        out = name(kind.lower())
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x, prefix):
        return op("Add", [op("MatMul", [x, const(w[prefix + ".weight"].T.copy())]), const(w[prefix + ".bias"])])

    def layer_norm(x, prefix):
        return op("LayerNormalization", [x, const(w[prefix + ".weight"]), const(w[prefix + ".bias"])],
                  axis=-1, epsilon=eps)

    e = "bert.embeddings."
    length = op("Gather", [op("Shape", ["input_ids"]), const(np.array(1, dtype=np.int64))], axis=0)
    positions = op("Range", [const(np.array(0, dtype=np.int64)), length, const(np.array(1, dtype=np.int64))])
    x = op("Add", [op("Gather", [const(w[e + "word_embeddings.weight"]), "input_ids"]),
                   op("Gather", [const(w[e + "position_embeddings.weight"]), positions])])
    x = op("Add", [x, op("Gather", [const(w[e + "token_type_embeddings.weight"]), "token_type_ids"])])
    x = layer_norm(x, e + "LayerNorm")
    # (1 - mask) * -10000 on the keys, as BERT adds it to the attention scores; the nodes in the
    # order the Hugging Face export writes them, so that ONNX Runtime's BERT fusions apply.
    mask = op("Unsqueeze", ["attention_mask", const(np.array([1], dtype=np.int64))])
    mask = op("Unsqueeze", [mask, const(np.array([2], dtype=np.int64))])
    mask = op("Cast", [mask], to=TensorProto.FLOAT)
    mask = op("Mul", [op("Sub", [const(np.array(1.0, dtype=np.float32)), mask]), const(np.array(-10000.0, dtype=np.float32))])
    split = const(np.array([0, 0, heads, hidden // heads], dtype=np.int64))
    merged = const(np.array([0, 0, hidden], dtype=np.int64))
    scale = const(np.array(math.sqrt(hidden // heads), dtype=np.float32))
    for i in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        q = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.query"), split])], perm=[0, 2, 1, 3])
        k = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.key"), split])], perm=[0, 2, 3, 1])
        v = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.value"), split])], perm=[0, 2, 1, 3])
        scores = op("Add", [op("Div", [op("MatMul", [q, k]), scale]), mask])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merged])
        x = layer_norm(op("Add", [linear(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        erf = op("Erf", [op("Div", [h, const(np.array(math.sqrt(2.0), dtype=np.float32))])])
        h = op("Mul", [op("Mul", [h, op("Add", [erf, const(np.array(1.0, dtype=np.float32))])]),
                       const(np.array(0.5, dtype=np.float32))])
        x = layer_norm(op("Add", [linear(h, p + "output.dense"), x]), p + "output.LayerNorm")
    logits = linear(x, "classifier")
    nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"])
            for n in ("input_ids", "token_type_ids", "attention_mask")]
    out = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "length", len(cfg["id2label"])])]
    graph = helper.make_graph(nodes, "whosaid-ner", ints, out, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))]


def read_windows(path):
    return [json.loads(line) for line in open(path)]


def batches(windows, size):
    for start in range(0, len(windows), size):
        chunk = windows[start:start + size]
        length = max(len(w["ids"]) for w in chunk)
        ids = np.zeros((len(chunk), length), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for r, win in enumerate(chunk):
            n = len(win["ids"])
            ids[r, :n], types[r, :n], mask[r, :n] = win["ids"], win["types"], 1
        yield chunk, {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def timed(sess, windows, batch):
    feeds = list(batches(windows, batch))
    sess.run(None, feeds[0][1])  # warm-up, not timed
    start = time.perf_counter()
    for _, feed in feeds:
        sess.run(None, feed)
    return time.perf_counter() - start


def timed_side_by_side(path, windows, batch, copies):
    """Seconds for `copies` one-thread sessions to run every batch, side by side."""
    sessions = [session(path, 1) for _ in range(copies)]
    feeds = list(batches(windows, batch))
    for sess in sessions:
        sess.run(None, feeds[0][1])  # warm-up, not timed
    next_batch = itertools.count()
    lock = threading.Lock()

    def work(sess):
        while True:
            with lock:
                i = next(next_batch)
            if i >= len(feeds):
                return
            sess.run(None, feeds[i][1])

    workers = [threading.Thread(target=work, args=(sess,)) for sess in sessions]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def conll_gold(path):
    """Per document, per sentence, the IOB2 tags (IOB1 files converted)."""
    docs, sentences, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts:
            if tags:
                sentences.append(tags)
                tags = []
            continue
        if parts[0] == "-DOCSTART-":
            if tags:
                sentences.append(tags)
                tags = []
            if sentences:
                docs.append(sentences)
            sentences = []
            continue
        tags.append(parts[-1])
    if tags:
        sentences.append(tags)
    if sentences:
        docs.append(sentences)
    for doc in docs:
        for s in doc:
            for i, t in enumerate(s):
                if t.startswith("I-") and (i == 0 or s[i - 1][2:] != t[2:]):
                    s[i] = "B-" + t[2:]
    return docs


def chunks(tags):
    """conlleval's entities of one sentence: (start, end, type)."""
    out, start, kind = set(), None, None
    for i, t in enumerate(tags + ["O"]):
        begins = t.startswith("B-") or (t.startswith("I-") and t[2:] != kind)
        if start is not None and (t == "O" or begins):
            out.add((start, i, kind))
            start, kind = None, None
        if t != "O" and (begins or start is None):
            start, kind = i, t[2:]
    return out


def dev_f1(sess, windows, labels, gold_docs, batch):
    predicted = [[["O"] * len(s) for s in doc] for doc in gold_docs]
    offsets = [np.cumsum([0] + [len(s) for s in doc]) for doc in gold_docs]
    for chunk, feed in batches(windows, batch):
        logits = sess.run(None, feed)[0]
        for r, win in enumerate(chunk):
            off = offsets[win["doc"]]
            for piece, word in win["starts"]:
                s = int(np.searchsorted(off, word, side="right") - 1)
                predicted[win["doc"]][s][word - off[s]] = labels[int(logits[r, piece].argmax())]
    hit = n_gold = n_pred = 0
    for gdoc, pdoc in zip(gold_docs, predicted):
        for g, p in zip(gdoc, pdoc):
            gc, pc = chunks(g), chunks(p)
            hit += len(gc & pc)
            n_gold += len(gc)
            n_pred += len(pc)
    precision, recall = hit / max(n_pred, 1), hit / max(n_gold, 1)
    return 2 * precision * recall / max(precision + recall, 1e-12)


def main():
    model_dir, work, dump_windows, dev_windows, dev_conll, threads, batch = sys.argv[1:8]
    threads, batch = int(threads), int(batch)
    os.makedirs(work, exist_ok=True)
    plain = os.path.join(work, "ner-f32-plain.onnx")
    f32 = os.path.join(work, "ner-f32.onnx")
    int8 = os.path.join(work, "ner-int8.onnx")
    labels = build_graph(model_dir, plain)
    # What ONNX Runtime's docs prescribe for BERT: its transformer fusions (attention, bias +
    # GELU, skip + layer norm), then dynamic int8 quantization of the fused graph.
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    fused = optimizer.optimize_model(plain, model_type="bert", num_heads=cfg["num_attention_heads"],
                                     hidden_size=cfg["hidden_size"], opt_level=0)
    print("fused:", {k: v for k, v in fused.get_fused_operator_statistics().items() if v})
    fused.save_model_to_file(f32)
    quantize_dynamic(f32, int8, per_channel=True, weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": TensorProto.FLOAT})
    dump = read_windows(dump_windows)
    dev = read_windows(dev_windows)
    gold = conll_gold(dev_conll)
    pieces = sum(len(w["ids"]) for w in dump)
    report = {"windows": len(dump), "pieces": pieces, "threads": threads, "batch": batch, "ort": ort.__version__}
    for engine, path in (("fp32", f32), ("int8", int8)):
        sess = session(path, threads)
        seconds = timed(sess, dump, batch)
        f1 = dev_f1(sess, dev, labels, gold, batch)
        report[engine] = {"seconds": seconds, "pieces_per_s": pieces / seconds, "dev_f1": f1}
        print(f"ONNX Runtime {ort.__version__} {engine}: {seconds:.2f} s for {len(dump)} windows "
              f"({pieces} pieces): {pieces / seconds:,.0f} pieces/s, {len(dump) / seconds:,.1f} windows/s; "
              f"CoNLL-2003 dev F1 {f1:.4f}")
    seconds = timed_side_by_side(int8, dump, batch, threads)
    report["int8_side_by_side"] = {"seconds": seconds, "pieces_per_s": pieces / seconds}
    print(f"ONNX Runtime {ort.__version__} int8, {threads} one-thread sessions side by side: "
          f"{seconds:.2f} s for {len(dump)} windows ({pieces} pieces): {pieces / seconds:,.0f} pieces/s")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
