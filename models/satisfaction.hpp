#pragma once

#include <algorithm>
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

/// The standard normal draw behind a resident's threshold: Box-Muller on two Philox draws
/// keyed by the resident (stream streams::kThreshold); the same every month.
double threshold_normal(std::uint64_t seed, std::uint64_t resident);

/// A resident's personal threshold from its normal draw z: mean + sd z, clipped to
/// [0.05, 0.99], held as a float (as the run holds it).
inline float threshold_from_normal(const SatisfactionModel& m, double z) {
    return static_cast<float>(std::clamp(m.threshold_mean + m.threshold_sd * z, 0.05, 0.99));
}

/// A resident's personal threshold: threshold_from_normal(m, threshold_normal(seed, resident)).
inline float satisfaction_threshold(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t resident) {
    return threshold_from_normal(m, threshold_normal(seed, resident));
}

/// The ring parts of the score of a resident at one node and age group: mean ring scores of
/// the scored categories by class (1 for a class with none).
struct ScorePlace {
    float basic = 0, quality = 0, government = 0;
};

/// A resident's month as the score reads it besides the ring parts (recorded for re-scoring).
struct ScoreResident {
    std::uint16_t needs = 0, unmet = 0;  ///< the month's needs and unmet needs
    std::uint8_t night_unmet = 0;        ///< 1 if a night need went unmet
};

/// Ring parts per (node, age group), row node x kAgeGroups + age: they depend only on the
/// home node and the age group, so the score reads them from here.
std::vector<ScorePlace> score_places(const World& world, const FacilityReach& reach);

/// A resident's month, as the satisfaction score reads it.
struct ResidentMonth {
    std::span<const std::uint16_t> needs, unmet, night_unmet;  ///< per resident, this month
    std::span<const float> threshold;                          ///< per resident
};

/// Each resident's monthly verdict (1: score at or above its threshold) into `satisfied`,
/// from the ring parts of `places` (score_places); only residents [first, last) when given
/// (a rank's own share: the others' entries are left as they were).
void score_residents(const World& world, std::span<const ScorePlace> places, const ResidentMonth& month,
                     std::vector<std::uint8_t>& satisfied, std::size_t first = 0,
                     std::size_t last = static_cast<std::size_t>(-1));

/// A resident's monthly score from its ring parts and its month (the weights of `m`).
inline double resident_score(const SatisfactionModel& m, const ScorePlace& place, std::uint16_t needs,
                             std::uint16_t unmet, bool night_unmet) {
    ScoreParts sp;
    sp.basic = place.basic;
    sp.quality = place.quality;
    sp.government = place.government;
    sp.served = needs ? 1.0 - static_cast<double>(unmet) / needs : 1.0;
    sp.night = night_unmet ? 0.0 : 1.0;
    return satisfaction_score(m, sp);
}

/// The verdict of one resident: the run's rule, shared by score_residents and rescoring.
inline std::uint8_t verdict(const SatisfactionModel& m, const ScorePlace& place, std::uint16_t needs,
                            std::uint16_t unmet, bool night_unmet, float threshold) {
    return resident_score(m, place, needs, unmet, night_unmet) >= threshold ? 1 : 0;
}

/// The members the emulated survey of district d asks in a month (with replacement; stream
/// streams::survey(d), draws month_index x 100000 + k), as emulate_survey draws them.
std::vector<std::uint32_t> survey_sample(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                                         std::span<const std::uint32_t> members);

/// Re-scores a recorded month under `m` (weights and threshold): each district's satisfied
/// residents and its emulated survey, exactly as a run with `m` would have recorded them
/// (satisfaction does not feed back into behaviour). `home_node`, `age`, `district` and
/// `normal` (threshold_normal) are per resident, the month's first residents.size() of them.
struct Rescored {
    std::vector<std::int64_t> satisfied, survey_satisfied, survey_n;  ///< per district
};
/// The same for many thresholds at once under the weights of `m`: draw j takes mean
/// means[j] and spread sds[j]. Rows draw x district, each equal to rescore_month's with that
/// threshold (a resident's score does not depend on the threshold, so it is computed once).
struct RescoredMany {
    std::vector<std::int64_t> satisfied, survey_satisfied;  ///< draws x districts
    std::vector<std::int64_t> survey_n;                     ///< per district
};
RescoredMany rescore_month_thresholds(const SatisfactionModel& m, std::span<const double> means,
                                      std::span<const double> sds, std::uint64_t seed, std::uint64_t month_index,
                                      int survey_sample, std::size_t districts,
                                      std::span<const std::uint32_t> home_node, std::span<const std::uint8_t> age,
                                      std::span<const std::uint16_t> district, std::span<const double> normal,
                                      std::span<const ScorePlace> places, std::span<const ScoreResident> residents);
Rescored rescore_month(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t month_index, int survey_sample,
                       std::size_t districts, std::span<const std::uint32_t> home_node,
                       std::span<const std::uint8_t> age, std::span<const std::uint16_t> district,
                       std::span<const double> normal, std::span<const ScorePlace> places,
                       std::span<const ScoreResident> residents);

/// The emulated survey of one district and month: `sample` of its residents drawn with
/// replacement (stream streams::survey(d), draws month_index x 100000 + k).
struct Survey {
    std::int64_t n = 0, satisfied = 0;
    double low = 0, high = 0;  ///< Wilson 95% interval of the share
};
Survey emulate_survey(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                      std::span<const std::uint32_t> members, std::span<const std::uint8_t> satisfied);
/// The survey's record from `satisfied` respondents of the `sample` asked in a district of
/// `members` residents (none asked where none live); the run counts the respondents itself
/// when its residents' verdicts are spread over ranks.
Survey survey_record(int sample, std::int64_t satisfied, std::size_t members);

/// Wilson 95% interval of a share from k successes in n trials.
std::pair<double, double> wilson_interval(std::int64_t k, std::int64_t n);

}  // namespace lifecircle
