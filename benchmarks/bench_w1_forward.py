"""W1: one forward pass of ctxt network 1, 60 trials x 1400 steps, with noise.

Run: python benchmarks/bench_w1_forward.py
"""

from _bench import Row, best_time, gemm_throughput, once, peak_traced_bytes, report, s3_run

from opdims import NumpyStream, simulate
from opdims.matlab.loops import run_rnn_loops


def main():
    run = s3_run("ctxt")
    net, trials, noise = run.net, run.trials, run.noise
    B, T, _ = trials.inputs.shape
    flops = 2 * B * T * net.n_units**2
    bound = flops / gemm_throughput()

    def given():
        return simulate(net, trials.inputs, trials.condition_ids, noise=noise)

    def drawn():
        return simulate(net, trials.inputs, trials.condition_ids, stream=NumpyStream(1001))

    def torch_cpu():
        return simulate(net, trials.inputs, trials.condition_ids, noise=noise, backend="torch", device="cpu")

    _, reference = once(lambda: run_rnn_loops(net, trials.inputs, trials.condition_ids, noise=noise))
    rows = [
        Row("forward pass, noise given (as in a sweep)", best_time(given, 7), reference, bound, 0.040,
            peak_traced_bytes(given)),
        Row("forward pass + drawing the noise (NumpyStream)", best_time(drawn, 5), reference, bound, None,
            peak_traced_bytes(drawn), "includes 8.4 M normal draws"),
        Row("forward pass, torch backend on CPU", best_time(torch_cpu, 3), reference, bound, None,
            peak_traced_bytes(torch_cpu), "torch is for GPUs; tracemalloc does not see its memory"),
    ]
    report("w1_forward", f"W1 — one forward pass, ctxt network 1, {B} trials x {T} steps, with noise", rows,
           [f"lower bound: {flops / 1e9:.2f} GFLOP of recurrent products / measured matrix-multiply rate",
            ("reference mode: opdims.matlab.loops.run_rnn_loops (the original run_rnn: trial by trial, step by "
             "step), same noise, timed once")],
           "python benchmarks/bench_w1_forward.py")


if __name__ == "__main__":
    main()
