// The random streams (core/philox_batch.hpp, core/rng.hpp): Philox 4x32-10 computed eight
// streams at once must be exactly Random123's, one call at a time.
#include <cstdint>
#include <vector>

#include "catch.hpp"
#include "core/philox_batch.hpp"
#include "core/rng.hpp"

using lifecircle::PhiloxBatch;

TEST_CASE("Philox 4x32-10 matches Random123's known-answer vectors", "[rng]") {
    // kat_vectors of Random123 1.14: (counter words, key words) -> output words
    struct Kat {
        std::uint32_t ctr[4], key[2], out[4];
    };
    const Kat kats[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (const auto& k : kats) {
        const std::uint64_t key = std::uint64_t{k.key[1]} << 32 | k.key[0];
        const std::uint64_t counter = std::uint64_t{k.ctr[1]} << 32 | k.ctr[0];
        const std::uint64_t stream = std::uint64_t{k.ctr[3]} << 32 | k.ctr[2];
        for (bool simd : {false, true}) {
            const PhiloxBatch p(key, simd);
            const auto w = p.one(counter, stream);
            for (int i = 0; i < 4; ++i) CHECK(w[static_cast<std::size_t>(i)] == k.out[i]);
            // and lane 0 of a batch starting at that stream
            if (k.ctr[2] <= 0xffffffffU - 7) {
                PhiloxBatch::Batch b;
                p.eight(counter, stream, b);
                for (int i = 0; i < 4; ++i) CHECK(b[static_cast<std::size_t>(i)][0] == k.out[i]);
            }
        }
    }
}

TEST_CASE("eight streams at once equal eight single calls", "[rng]") {
    // The AVX2 form (where the processor has it) against the portable one, over keys, days
    // and streams with high bits set: any lane or word mixed up shows.
    INFO("AVX2 in use: " << PhiloxBatch(1).simd());
    const lifecircle::CounterRng pick(99, 0);
    for (std::uint64_t t = 0; t < 2000; ++t) {
        const std::uint64_t key = static_cast<std::uint64_t>(pick.uniform(3 * t) * 0x1.0p63) * 2 + t % 2;
        const std::uint64_t counter = static_cast<std::uint64_t>(pick.uniform(3 * t + 1) * 0x1.0p40) << 8 | (t % 9);
        const std::uint64_t stream = static_cast<std::uint64_t>(pick.uniform(3 * t + 2) * 0x1.0p31) |
                                     (t % 3 == 0 ? 0 : std::uint64_t{0x5A5A} << 40);
        for (bool simd : {true, false}) {
            const PhiloxBatch p(key, simd);
            PhiloxBatch::Batch b, first, second;
            p.eight(counter, stream, b);
            // and the day loop's two calls at once (counters that carry into the high word too)
            const std::uint64_t at = t % 5 == 0 ? counter | 0xFFFFFFFFULL : counter;
            p.eight_twice(at, stream, first, second);
            for (int lane = 0; lane < PhiloxBatch::kLanes; ++lane) {
                const auto l = static_cast<std::size_t>(lane);
                const auto w = p.one(counter, stream + static_cast<std::uint64_t>(lane));
                const auto w0 = p.one(at, stream + l), w1 = p.one(at + 1, stream + l);
                for (std::size_t i = 0; i < 4; ++i) {
                    REQUIRE(b[i][l] == w[i]);
                    REQUIRE(first[i][l] == w0[i]);
                    REQUIRE(second[i][l] == w1[i]);
                }
            }
        }
    }
}
