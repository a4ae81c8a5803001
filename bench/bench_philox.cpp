// The needs' random words: Philox 4x32-10 for eight streams a call (AVX2 where the processor
// has it) against one stream a call, and Philox 2x64-10 one a call (the rest of the engine's
// draws). Prints one JSON line per form (ns a stream, best of 5) and their ratio.
//
//     build/release/bench_philox [calls = 10000000]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/philox_batch.hpp"
#include "core/rng.hpp"

namespace {

template <class F>
double best_ns(long calls, int streams_a_call, F&& body) {
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        body();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s * 1e9 / (static_cast<double>(calls) * streams_a_call));
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const long calls = argc > 1 ? std::atol(argv[1]) : 10000000L;
    const lifecircle::PhiloxBatch batch(20240101);
    volatile std::uint32_t sink = 0;  // keeps the results alive
    const double eight = best_ns(calls, 8, [&] {
        lifecircle::PhiloxBatch::Batch out;
        std::uint32_t acc = 0;
        for (long i = 0; i < calls; ++i) {
            batch.eight(static_cast<std::uint64_t>(i) << 8, static_cast<std::uint64_t>(i) * 8, out);
            acc ^= out[0][3] ^ out[3][7];
        }
        sink = sink ^ acc;
    });
    const double twice = best_ns(calls / 2, 16, [&] {
        lifecircle::PhiloxBatch::Batch a, b;
        std::uint32_t acc = 0;
        for (long i = 0; i < calls / 2; ++i) {
            batch.eight_twice(static_cast<std::uint64_t>(i) << 8, static_cast<std::uint64_t>(i) * 8, a, b);
            acc ^= a[0][3] ^ b[3][7];
        }
        sink = sink ^ acc;
    });
    const double one = best_ns(calls * 8, 1, [&] {
        std::uint32_t acc = 0;
        for (long i = 0; i < calls * 8; ++i)
            acc ^= batch.one(static_cast<std::uint64_t>(i / 8) << 8, static_cast<std::uint64_t>(i))[0];
        sink = sink ^ acc;
    });
    const double two64 = best_ns(calls * 8, 1, [&] {
        std::uint32_t acc = 0;
        for (long i = 0; i < calls * 8; ++i)
            acc ^= lifecircle::CounterRng(20240101, static_cast<std::uint64_t>(i))
                       .bits4(static_cast<std::uint64_t>(i / 8) << 8)[0];
        sink = sink ^ acc;
    });
    std::printf(
        "{\"bench\": \"philox\", \"form\": \"4x32-10 eight streams a call\", \"avx2\": %s, \"ns_per_stream\": %.2f}\n",
        batch.simd() ? "true" : "false", eight);
    std::printf(
        "{\"bench\": \"philox\", \"form\": \"4x32-10 eight streams at two counters a call\", \"avx2\": %s, "
        "\"ns_per_stream\": %.2f}\n",
        batch.simd() ? "true" : "false", twice);
    std::printf("{\"bench\": \"philox\", \"form\": \"4x32-10 one stream a call\", \"ns_per_stream\": %.2f}\n", one);
    std::printf("{\"bench\": \"philox\", \"form\": \"2x64-10 one stream a call\", \"ns_per_stream\": %.2f}\n", two64);
    std::printf(
        "{\"bench\": \"philox_summary\", \"eight_over_one_speedup\": %.2f, \"twice_over_eight_speedup\": %.2f}\n",
        one / eight, eight / twice);
    return 0;
}
