#include "models/facility.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace lifecircle {

Facility make_facility(const Scenario& sc, std::uint32_t node, int category, int district) {
    const auto& c = sc.categories[static_cast<std::size_t>(category)];
    Facility f;
    f.node = node;
    f.category = static_cast<std::uint16_t>(category);
    f.district = static_cast<std::uint16_t>(district);
    f.open_hour = static_cast<float>(c.open_hour);
    f.close_hour = static_cast<float>(c.close_hour);
    f.floor_area_m2 = static_cast<float>(c.floor_area_m2);
    const double monthly = c.floor_area_m2 * c.rent_yuan_m2_month + c.staff_cost_yuan_month + c.other_cost_yuan_month;
    f.cash_fen = static_cast<std::int64_t>(std::llround(3.0 * monthly * 100.0));
    f.operator_ = c.operator_;
    for (const auto& other : c.counts_as)  // a centre counts as a station
        f.extra_categories |= std::uint64_t{1} << static_cast<unsigned>(sc.category_index(other));
    return f;
}

Facility make_mobile_vendor(const Scenario& sc, std::uint32_t node, int category, int district) {
    Facility f = make_facility(sc, node, category, district);
    const auto& cat = sc.categories[static_cast<std::size_t>(category)];
    f.mobile = true;
    f.origin = FacilityOrigin::mobile;
    f.floor_area_m2 = static_cast<float>(std::min(20.0, cat.floor_area_m2));
    const std::size_t ns = sc.slots.size();
    std::vector<std::size_t> order(ns);
    std::iota(order.begin(), order.end(), 0);
    const auto& prof = cat.slot_profile;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return prof[a] > prof[b]; });
    f.slot_mask = (1U << order[0]) | (ns > 1 ? 1U << order[1] : 0U);
    return f;
}

}  // namespace lifecircle
