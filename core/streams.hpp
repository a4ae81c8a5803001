#pragma once

#include <cstdint>

namespace lifecircle::streams {

/// Every random stream the project uses, in one place (DESIGN.md, "Randomness").
///
/// A draw is Philox(key = seed, counter = (draw number, stream id)), so two uses of the
/// same generator must never share a stream id. There are two generators:
/// - Philox 4x32-10 (core/philox_batch.hpp), for the residents' daily needs only: stream =
///   resident id. Nothing else uses that generator, so these ids may repeat the ones below.
/// - Philox 2x64-10 (core/rng.hpp, CounterRng), for everything else: the ids below.
///
/// The ids below 2^23 are the ones the project has always used; they are kept, so that
/// the results of existing scenarios do not change. Where such a family would run into the
/// next one (the baseline facilities of district 40 onwards, ages and places of district 1000
/// onwards) it continues in a region of its own above 2^45. tests/cpp/test_streams.cpp
/// checks that no two ids collide for up to kMaxDistricts districts and kMaxCategories
/// categories (the schema's limits, core/world.hpp).

// ---- the synthetic town (models/synthetic_city.cpp) -------------------------------------
inline constexpr std::uint64_t kGridX = 101;    ///< street grid lines, x
inline constexpr std::uint64_t kGridY = 102;    ///< street grid lines, y
inline constexpr std::uint64_t kJitter = 103;   ///< intersections' jitter
inline constexpr std::uint64_t kEdges = 104;    ///< missing street segments, detours
inline constexpr std::uint64_t kWeights = 105;  ///< residential weights of nodes

// ---- regions above the historical ids, one per family that may outgrow its range --------
inline constexpr std::uint64_t kRegion = 1ULL << 45;  ///< region r starts at kRegion * r

/// Baseline facilities of category c in district d.
constexpr std::uint64_t baseline_facilities(std::uint64_t d, std::uint64_t c) {
    return d < 40 ? 1000 + d * 100 + c : kRegion * 1 + (d << 8) + c;
}

// ---- the population (models/population.cpp) ---------------------------------------------
/// Residents' age groups in district d.
constexpr std::uint64_t ages(std::uint64_t d) { return d < 1000 ? 5000 + d : kRegion * 2 + d; }
/// Residents' homes in district d.
constexpr std::uint64_t places(std::uint64_t d) { return d < 1000 ? 6000 + d : kRegion * 3 + d; }
/// Map-app use at the start.
inline constexpr std::uint64_t kMapAppStart = 7000;
/// Delivery-app use of resident i (draw = resident id, whenever the resident was added).
inline constexpr std::uint64_t kDeliveryApp = 7001;
/// Whether a delivery order is placed and carried (draw = day << 40 | resident << 8 | need).
inline constexpr std::uint64_t kDeliveryOrder = 7002;
/// Residents' personal satisfaction thresholds (draws 2i, 2i + 1 for resident i).
inline constexpr std::uint64_t kThreshold = 0x5A715F;

// ---- the simulation (sim/, models/market.cpp, models/policy.cpp) ------------------------
/// Background exit of facility f (draw = months since the first simulated month).
constexpr std::uint64_t exit(std::uint64_t facility) { return (1ULL << 41) + facility; }
/// The emulated survey of district d (draw = month index x 100000 + respondent).
constexpr std::uint64_t survey(std::uint64_t d) { return (1ULL << 42) + d; }
/// Map-app adoption of the policy event with this index (draw = resident id).
constexpr std::uint64_t app_adoption(std::uint64_t event) { return (1ULL << 43) + event; }
/// New housing of the policy event with this index (draws: homes, ages, app use in turn).
constexpr std::uint64_t housing(std::uint64_t event) { return (1ULL << 44) + event; }

/// Market entry in district d and category c (draw = months since the first simulated month).
constexpr std::uint64_t entry(std::uint64_t d, std::uint64_t c) { return kRegion * 4 + (d << 8) + c; }

/// Needs' stream of resident i, in the Philox 4x32-10 generator (ids below 2^40).
constexpr std::uint64_t needs(std::uint64_t resident) { return resident; }

}  // namespace lifecircle::streams
