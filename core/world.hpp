#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/scenario.hpp"
#include "core/walk_network.hpp"

namespace lifecircle {

/// No district (a node outside every district).
inline constexpr std::uint16_t kNoDistrict = 0xFFFF;
static_assert(kMaxDistricts <= kNoDistrict, "district ids are 16-bit, kNoDistrict excluded");

/// Where a facility came from (written to results as its integer value).
enum class FacilityOrigin : std::uint8_t { baseline = 0, planned = 1, market_entry = 2, mobile = 3 };
/// Names of FacilityOrigin's values, in order (as Python shows them).
inline constexpr std::array<const char*, 4> kFacilityOriginNames{"baseline", "planned", "market", "mobile"};

/// States of a facility.
enum class FacilityState : std::uint8_t { open, closed, planned };

/// A shop or service point on the network.
struct Facility {
    std::uint32_t node = 0;
    std::uint16_t category = 0;  ///< primary category (index into Scenario::categories)
    std::uint16_t district = kNoDistrict;
    std::uint64_t extra_categories = 0;    ///< multi-function shop: bit c = also serves category c
    float open_hour = 0, close_hour = 24;  ///< hours of the day
    float floor_area_m2 = 0;
    FacilityState state = FacilityState::open;
    std::int64_t cash_fen = 0;             ///< cash reserve, fen (1/100 yuan)
    std::int64_t osm_id = 0;               ///< OSM node id, or minus the way id; 0 for synthetic facilities
    float dx = 0, dy = 0;                  ///< its own position less its node's, metres (OSM: the mapped point)
    std::uint32_t slot_mask = 0xFFFFFFFF;  ///< bit s: open during time slot s (see open_slots)
    bool mobile = false;                   ///< a vegetable truck or food cart: fixed windows only
    FacilityOrigin origin = FacilityOrigin::baseline;
    std::uint8_t loss_months = 0;             ///< consecutive months below break-even
    std::int32_t opened_day = 0;              ///< days since 1970-01-01 (0: before the run)
    std::int32_t closed_day = -1;             ///< days since 1970-01-01, or -1 while open
    Operator operator_ = Operator::private_;  ///< who runs it (its category's, or the plan's for a planned one)
    float grant_yuan = 0;                     ///< a project list's operating support for this facility, yuan a month
};

/// Whether a facility of primary `category` with added `extra_categories` (bit mask) serves
/// category c.
inline bool serves(std::size_t category, std::uint64_t extra_categories, std::size_t c) {
    return category == c || (c < kMaxCategories && ((extra_categories >> c) & 1U));
}
/// Whether facility f serves category c: its primary category or one added to it.
inline bool serves(const Facility& f, std::size_t c) { return serves(f.category, f.extra_categories, c); }

/// The time slots a facility is open in (bit s: open during slot s): the slots its hours
/// overlap, or a mobile vendor's fixed windows (its slot_mask as set when it was made).
std::uint32_t open_slots(const Facility& f, const std::vector<TimeSlot>& slots);

/// Residents as a structure of arrays: 12 bytes a resident (see bytes_per_resident()).
struct Residents {
    std::vector<std::uint32_t> home_node;
    std::vector<std::uint32_t> household;  ///< household index; members are contiguous
    std::vector<std::uint16_t> district;
    std::vector<std::uint8_t> age;    ///< AgeGroup
    std::vector<std::uint8_t> flags;  ///< bit 0: uses the living-circle map app;
                                      ///< bit 1: heads its household (its first member);
                                      ///< bit 2: orders through a delivery app

    std::size_t size() const { return home_node.size(); }
    static constexpr std::size_t bytes_per_resident() {
        return sizeof(std::uint32_t) * 2 + sizeof(std::uint16_t) + sizeof(std::uint8_t) * 2;
    }
    static constexpr std::uint8_t kMapApp = 1;
    static constexpr std::uint8_t kHead = 2;
    static constexpr std::uint8_t kDelivery = 4;
};

/// The simulated city: network, districts on it, facilities and residents.
/// Immutable after build, except facilities (open/close) and residents (move in).
struct World {
    Scenario scenario;
    WalkNetwork network;
    std::vector<std::uint16_t> node_district;    ///< district of each node, or kNoDistrict
    std::vector<float> node_weight;              ///< residential weight of each node
    std::vector<std::uint8_t> node_commercial;   ///< 1 = commercial candidate site
    std::vector<std::uint32_t> district_centre;  ///< node of each district's centre (片区中心)
    std::vector<Facility> facilities;
    Residents residents;
    std::vector<std::uint32_t> household_start;  ///< CSR over residents; size households + 1
    double origin_lon = 0, origin_lat = 0;       ///< map origin, degrees

    std::size_t num_households() const { return household_start.empty() ? 0 : household_start.size() - 1; }
};

/// Whether resident `id` (of age group `age`, living in district d) orders through a delivery
/// app: a draw of its own (stream streams::kDeliveryApp, draw = resident id) against the
/// district's share for its age group, or the city's.
bool orders_delivery(const Scenario& sc, std::size_t d, int age, std::uint64_t id);

/// What siting reads of the network's nodes: their positions (metres), districts and
/// commercial flags. The rules below read these alone, so a results file's tables serve them
/// as well as a world (the Python package calls them through _core).
struct NodeSites {
    std::span<const double> x, y;
    std::span<const std::uint16_t> district;
    std::span<const std::uint8_t> commercial;
};
inline NodeSites node_sites(const World& w) {
    return {w.network.x(), w.network.y(), w.node_district, w.node_commercial};
}

/// Candidate sites for new facilities in district d: its commercial nodes, or all of its
/// nodes when it has none (in node order).
std::vector<std::uint32_t> candidate_sites(const NodeSites& nodes, std::size_t d);
std::vector<std::uint32_t> candidate_sites(const World& w, std::size_t d);

/// The district's candidate site (commercial node, or any of its nodes) nearest to a point
/// (metres in the town's frame); with `any_node` (an idle public site: a building anywhere),
/// its nearest node of any kind; ties to the lower node. 0 for a district without nodes.
std::uint32_t nearest_site(const NodeSites& nodes, std::size_t d, const std::array<double, 2>& at, bool any_node);
std::uint32_t nearest_site(const World& w, std::size_t d, const std::array<double, 2>& at, bool any_node);

/// District d's idle public sites (its idle_sites, plan item 13): each place's nearest node
/// of the district, of any kind; a node once, in the order first given.
std::vector<std::uint32_t> idle_sites(const NodeSites& nodes, std::size_t d,
                                      std::span<const std::array<double, 2>> places);
std::vector<std::uint32_t> idle_sites(const World& w, std::size_t d);

/// Residents living at each node.
std::vector<std::int64_t> residents_per_node(const World& w);

/// Row of a (district, category) table: every such table, flows and levers alike, is
/// district-major.
inline std::size_t district_category(std::size_t d, std::size_t c, std::size_t categories) {
    return d * categories + c;
}

}  // namespace lifecircle
