#pragma once

#include <cstdint>

#include "core/scenario.hpp"
#include "core/world.hpp"

namespace lifecircle {

/// A new facility of `category` in `district` at `node`, with the category's opening hours
/// and floor area and a cash reserve of three months of fixed costs (fen).
Facility make_facility(const Scenario& scenario, std::uint32_t node, int category, int district);

/// A mobile vendor (vegetable truck, food cart) of `category`: at most 20 m2, present only in
/// the category's two busiest time slots (its slot_profile's largest shares, earlier first on
/// a tie).
Facility make_mobile_vendor(const Scenario& scenario, std::uint32_t node, int category, int district);

}  // namespace lifecircle
