// The registry of random streams (core/streams.hpp): no two uses of the Philox 2x64
// generator may share a stream id, for any district or category count the schema allows.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "catch.hpp"
#include "core/scenario.hpp"
#include "core/streams.hpp"

namespace streams = lifecircle::streams;

TEST_CASE("no two random streams collide at the schema's largest counts", "[streams]") {
    // The per-district and per-category families grow with d and c, so the ids of a smaller
    // scenario are a subset of these: checking the largest counts checks every count.
    std::vector<std::uint64_t> ids{streams::kGridX,   streams::kGridY,       streams::kJitter,   streams::kEdges,
                                   streams::kWeights, streams::kMapAppStart, streams::kThreshold};
    for (std::uint64_t d = 0; d < lifecircle::kMaxDistricts; ++d) {
        for (std::uint64_t c = 0; c < lifecircle::kMaxCategories; ++c)
            ids.push_back(streams::baseline_facilities(d, c));
        ids.push_back(streams::ages(d));
        ids.push_back(streams::places(d));
        ids.push_back(streams::survey(d));
    }
    // facility, event and resident numbers have no schema limit: their families are ranges
    // [base, base + 2^32) (facility ids and event indices are 32-bit), checked at both ends
    for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{0xFFFFFFFF}}) {
        ids.push_back(streams::exit(k));
        ids.push_back(streams::app_adoption(k));
        ids.push_back(streams::housing(k));
    }
    const auto n = ids.size();
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    CHECK(n == 7 + lifecircle::kMaxDistricts * (lifecircle::kMaxCategories + 3) + 6);
    // ... and no per-district or per-category id falls inside those ranges
    for (std::uint64_t base : {streams::exit(0), streams::app_adoption(0), streams::housing(0)}) {
        const auto lo = std::lower_bound(ids.begin(), ids.end(), base);
        const auto hi = std::lower_bound(ids.begin(), ids.end(), base + 0xFFFFFFFF);
        CHECK(hi - lo == 1);  // only the range's own first id
    }
}

TEST_CASE("the historical stream ids are kept, so existing scenarios' results do not change", "[streams]") {
    CHECK(streams::baseline_facilities(10, 63) == 1000 + 10 * 100 + 63);
    CHECK(streams::ages(10) == 5010);
    CHECK(streams::places(10) == 6010);
    CHECK(streams::exit(5) == (1ULL << 41) + 5);
    CHECK(streams::survey(3) == (1ULL << 42) + 3);
}
