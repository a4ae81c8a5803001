#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/facility_reach.hpp"

namespace lifecircle {

/// Closeness of a facility d metres away to a ring of R metres, 0-1:
/// s = 1 / (1 + exp((d - R) / (0.25 R)))  (PARAMETERS.md, "Satisfaction" [E]).
inline double ring_score(double d, double ring_m) {
    if (!std::isfinite(d)) return 0.0;
    return 1.0 / (1.0 + std::exp((d - ring_m) / (0.25 * ring_m)));
}

/// Inputs of a resident's monthly score, each 0-1.
struct ScoreParts {
    double basic = 0, quality = 0, government = 0;  ///< mean ring scores by class
    double served = 1;                              ///< 1 - unmet share of the month's needs
    double night = 1;                               ///< 1 if no night need went unmet
};

/// The weighted monthly score of a resident.
inline double satisfaction_score(const SatisfactionModel& m, const ScoreParts& p) {
    return m.weight_basic * p.basic + m.weight_quality * p.quality + m.weight_government * p.government +
           m.weight_unmet * p.served + m.weight_night * p.night;
}

/// A resident's personal threshold: normal(mean, sd) by Box-Muller on two Philox draws keyed
/// by the resident (stream streams::kThreshold), clipped to [0.05, 0.99]; the same every month.
double satisfaction_threshold(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t resident);

/// A resident's month, as the satisfaction score reads it.
struct ResidentMonth {
    std::span<const std::uint16_t> needs, unmet, night_unmet;  ///< per resident, this month
    std::span<const float> threshold;                          ///< per resident
};

/// Each resident's monthly verdict (1: score at or above its threshold) into `satisfied`.
/// Ring scores depend only on the home node and the age group, so they are computed per
/// (node, age group) first.
void score_residents(const World& world, const FacilityReach& reach, const ResidentMonth& month,
                     std::vector<std::uint8_t>& satisfied);

/// The emulated survey of one district and month: `sample` of its residents drawn with
/// replacement (stream streams::survey(d), draws month_index x 100000 + k).
struct Survey {
    std::int64_t n = 0, satisfied = 0;
    double low = 0, high = 0;  ///< Wilson 95% interval of the share
};
Survey emulate_survey(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                      std::span<const std::uint32_t> members, std::span<const std::uint8_t> satisfied);

/// Wilson 95% interval of a share from k successes in n trials.
std::pair<double, double> wilson_interval(std::int64_t k, std::int64_t n);

}  // namespace lifecircle
