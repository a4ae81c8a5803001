#pragma once

#include <cstddef>
#include <cstdint>
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

    PlanLevers() = default;
    PlanLevers(std::size_t nd, std::size_t nc)
        : districts(nd),
          categories(nc),
          rent_cut(nd * nc, 0.0),
          grant_yuan(nd * nc, 0.0),
          in_programme(nd, 0),
          capital_fen(nd, 0) {}

    std::size_t at(std::size_t d, std::size_t c) const { return district_category(d, c, categories); }
};

}  // namespace lifecircle
