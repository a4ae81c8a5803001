#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/world.hpp"

namespace lifecircle {

/// The plan's levers in force during a run: subsidies per (district, category) and which
/// districts have joined the programme. Policy events set them (models/policy.hpp); the
/// market and the day loop read them.
struct PlanLevers {
    std::size_t districts = 0, categories = 0;
    std::vector<double> rent_cut;            ///< share of rent waived, 0-1, [district x category]
    std::vector<double> grant_yuan;          ///< operating grant per shop, yuan a month, likewise
    std::vector<std::uint8_t> in_programme;  ///< per district: 1 once it has joined
    std::vector<std::int64_t> capital_fen;   ///< per district: capital spent on planned facilities this month
    /// Standing rules (extend_hours, multi_function), [district x category]: in force from their
    /// event's date to their `until` (day, -1: for good), for every shop of the category,
    /// entrants included.
    std::vector<float> hours_open, hours_close;  ///< the rule's hours (NaN: no rule)
    std::vector<double> night_grant_share;       ///< share of the night staff cost the rule pays
    std::vector<std::int32_t> hours_until;       ///< the hours rule's last day
    std::vector<std::uint64_t> adds;             ///< categories its shops also serve (bit mask)
    std::vector<std::int32_t> adds_until;        ///< the adds rule's last day

    PlanLevers() = default;
    PlanLevers(std::size_t nd, std::size_t nc)
        : districts(nd),
          categories(nc),
          rent_cut(nd * nc, 0.0),
          grant_yuan(nd * nc, 0.0),
          in_programme(nd, 0),
          capital_fen(nd, 0),
          hours_open(nd * nc, std::numeric_limits<float>::quiet_NaN()),
          hours_close(nd * nc, std::numeric_limits<float>::quiet_NaN()),
          night_grant_share(nd * nc, 0.0),
          hours_until(nd * nc, -1),
          adds(nd * nc, 0),
          adds_until(nd * nc, -1) {}

    /// Whether an hours rule holds for (district, category) slot dc.
    bool has_hours(std::size_t dc) const { return !std::isnan(hours_open[dc]); }

    std::size_t at(std::size_t d, std::size_t c) const { return district_category(d, c, categories); }
};

/// A new facility of slot dc (district x category) under the standing rules in force there:
/// the rule's hours (a mobile vendor keeps its windows) and the categories the rule adds.
inline void apply_standing_rules(const PlanLevers& levers, std::size_t dc, Facility& f) {
    if (levers.has_hours(dc) && !f.mobile) {
        f.open_hour = levers.hours_open[dc];
        f.close_hour = levers.hours_close[dc];
    }
    f.extra_categories |= levers.adds[dc];
}

}  // namespace lifecircle
