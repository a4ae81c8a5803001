// Policy events (models/policy.hpp), one function per event type, on the tiny town.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "core/reach_table.hpp"
#include "core/world.hpp"
#include "fixtures.hpp"
#include "models/destination_choice.hpp"
#include "models/facility.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"
#include "models/policy.hpp"
#include "models/world_builder.hpp"

using namespace lifecircle;

namespace {

/// The tiny town with everything a policy event acts on.
struct Town {
    World world = build_world(test::tiny_scenario());
    FacilityReach reach{world, ChoiceCache::kMaxK, 1500.0};
    SiteChooser sites;
    PlanLevers levers{world.scenario.districts.size(), world.scenario.categories.size()};
    std::vector<std::vector<std::uint32_t>> members;
    std::vector<std::int32_t> added_day;
    std::vector<Project> projects;
    EntrySites entry_sites;
    PolicyTarget target{world, reach, sites, levers, members, added_day, projects, entry_sites};

    Town() {
        members.resize(world.scenario.districts.size());
        for (std::uint32_t i = 0; i < world.residents.size(); ++i) members[world.residents.district[i]].push_back(i);
        reach.clear_changed();
    }
    std::size_t category(const char* key) const { return static_cast<std::size_t>(world.scenario.category_index(key)); }
};

/// The site a plan should open a category-c facility at in district d, by brute force and
/// without SiteChooser: over every candidate site of the district (its commercial nodes, or
/// all of its nodes when it has none), the residents whose homes lie within the category's
/// working-age ring of it (plain Dijkstra from the site) and not yet within that ring of an
/// open facility serving c or of a node in `also_open` (plain Dijkstra from each); the site
/// with the most, ties to the lower node. Returns (site, residents it brings inside).
std::pair<std::uint32_t, std::int64_t> brute_force_site(const World& w, std::size_t d, std::size_t c,
                                                        const std::vector<std::uint32_t>& also_open = {}) {
    const auto& net = w.network;
    const double ring = w.scenario.ring_metres(c, static_cast<int>(AgeGroup::working));
    std::vector<std::int64_t> residents(net.num_nodes(), 0);
    for (auto home : w.residents.home_node) ++residents[home];
    std::vector<std::uint32_t> open = also_open;
    for (const auto& f : w.facilities)
        if (f.state == FacilityState::open && serves(f, c)) open.push_back(f.node);
    std::vector<std::uint8_t> inside(net.num_nodes(), 0);
    for (auto v : open)
        for (const auto& [u, dist] : bounded_dijkstra(net, v, ring)) inside[u] = 1;
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t v = 0; v < net.num_nodes(); ++v)
        if (w.node_district[v] == d && w.node_commercial[v]) candidates.push_back(v);
    if (candidates.empty())
        for (std::uint32_t v = 0; v < net.num_nodes(); ++v)
            if (w.node_district[v] == d) candidates.push_back(v);
    std::pair<std::uint32_t, std::int64_t> best{0, -1};
    for (auto v : candidates) {  // in node order: a tie keeps the lower node
        std::int64_t gain = 0;
        for (const auto& [u, dist] : bounded_dijkstra(net, v, ring)) gain += inside[u] ? 0 : residents[u];
        if (gain > best.second) best = {v, gain};
    }
    return best;
}

PolicyEvent event(EventType type, const char* district, const char* category) {
    PolicyEvent e;
    e.type = type;
    if (district) e.district = district;
    if (category) e.category = category;
    return e;
}

}  // namespace

TEST_CASE("join_programme and subsidy set the plan's levers", "[policy]") {
    Town t;
    apply_event(event(EventType::join_programme, "西区", nullptr), 0, 20000, t.target);
    CHECK(t.levers.in_programme == std::vector<std::uint8_t>{0, 1});
    auto e = event(EventType::subsidy, nullptr, "breakfast");  // no district: every district
    e.rent_cut = 0.4;
    e.grant_yuan_month = 300;
    apply_event(e, 1, 20000, t.target);
    for (std::size_t d = 0; d < 2; ++d) {
        CHECK(t.levers.rent_cut[t.levers.at(d, t.category("breakfast"))] == 0.4);
        CHECK(t.levers.grant_yuan[t.levers.at(d, t.category("breakfast"))] == 300);
        CHECK(t.levers.rent_cut[t.levers.at(d, t.category("convenience"))] == 0.0);
    }
}

TEST_CASE("plan_facility opens its count at the best sites and marks its category", "[policy]") {
    Town t;
    const auto breakfast = t.category("breakfast");
    const auto before = t.world.facilities.size();
    // the expected sites by brute force (not by SiteChooser, the function under test): the
    // first where it brings the most residents inside the ring, the second the same with the
    // first already open
    const auto [first, first_gain] = brute_force_site(t.world, 1, breakfast);
    const auto [second, second_gain] = brute_force_site(t.world, 1, breakfast, {first});
    REQUIRE(first_gain > 0);  // a real choice: some residents of 西区 are outside every ring
    auto e = event(EventType::plan_facility, "西区", "breakfast");
    e.count = 2;
    apply_event(e, 0, 20000, t.target);
    REQUIRE(t.world.facilities.size() == before + 2);
    const Facility& f = t.world.facilities[before];
    CHECK(f.node == first);  // the site bringing the most residents inside the ring
    CHECK(f.district == 1);
    CHECK(f.origin == FacilityOrigin::planned);
    CHECK(f.opened_day == 20000);
    CHECK(t.reach.nearest(breakfast, f.node) == 0.0);
    CHECK(t.reach.changed(breakfast));
    CHECK_FALSE(t.reach.changed(t.category("pharmacy")));
    // the second goes where the first left the most residents outside the ring (or, if it
    // left none, to the district's lowest candidate node): greedy, not the first's runner-up
    CHECK(t.world.facilities[before + 1].node == second);
    CHECK(t.world.facilities[before + 1].district == 1);
}

TEST_CASE("plan_facility at places: the nearest candidate site, or any node for an idle site", "[policy]") {
    Town t;
    auto& w = t.world;
    // a node of 西区 that is not a commercial site (the tiny town's small districts are all
    // commercial, so one is made plain here): an idle building there
    std::uint32_t plain = w.network.num_nodes();
    for (std::uint32_t v = 0; v < w.network.num_nodes(); ++v)
        if (w.node_district[v] == 1) plain = v;
    REQUIRE(plain < w.network.num_nodes());
    w.node_commercial[plain] = 0;
    const std::array<double, 2> at{w.network.x()[plain], w.network.y()[plain]};
    auto e = event(EventType::plan_facility, "西区", "pharmacy");
    e.sites_xy = {at};
    apply_event(e, 0, 20000, t.target);
    const auto commercial = t.world.facilities.back().node;
    CHECK(t.world.node_commercial[commercial]);  // snapped to the nearest candidate site
    CHECK(commercial != plain);
    e.idle = true;
    apply_event(e, 1, 20000, t.target);
    CHECK(t.world.facilities.back().node == plain);  // the idle building's own node
    CHECK(t.world.facilities.back().origin == FacilityOrigin::planned);
}

TEST_CASE("mobile vendors come in the category's two busiest slots only", "[policy]") {
    Town t;
    apply_event(event(EventType::mobile_vendor, "东区", "wet_market"), 0, 20000, t.target);
    const Facility& f = t.world.facilities.back();
    CHECK(f.mobile);
    CHECK(f.origin == FacilityOrigin::mobile);
    CHECK(f.floor_area_m2 <= 20.0f);
    CHECK(__builtin_popcount(f.slot_mask) == 2);
    const auto& profile = t.world.scenario.categories[t.category("wet_market")].slot_profile;
    const double busiest = *std::max_element(profile.begin(), profile.end());
    bool has_busiest = false;
    for (std::size_t s = 0; s < profile.size(); ++s) has_busiest |= ((f.slot_mask >> s) & 1U) && profile[s] == busiest;
    CHECK(has_busiest);
}

TEST_CASE("elder_canteen opens the elder_canteen category", "[policy]") {
    Town t;
    apply_event(event(EventType::elder_canteen, "东区", nullptr), 0, 20000, t.target);
    CHECK(t.world.facilities.back().category == t.category("elder_canteen"));
}

TEST_CASE("extend_hours opens the category's shops in the new hours' slots", "[policy]") {
    Town t;
    auto e = event(EventType::extend_hours, nullptr, "convenience");
    e.open_hour = 0;
    e.close_hour = 24;
    apply_event(e, 0, 20000, t.target);
    const std::uint32_t every = (1U << t.world.scenario.slots.size()) - 1U;
    for (const auto& f : t.world.facilities)
        if (f.category == t.category("convenience")) CHECK(f.slot_mask == every);
    CHECK(t.reach.changed(t.category("convenience")));
}

TEST_CASE("multi_function adds categories to the shops and to their reach tables", "[policy]") {
    Town t;
    auto e = event(EventType::multi_function, "东区", "convenience");
    e.adds = {"breakfast"};
    apply_event(e, 0, 20000, t.target);
    for (const auto& f : t.world.facilities)
        if (f.category == t.category("convenience") && f.district == 0) {
            CHECK(serves(f, t.category("breakfast")));
            CHECK(t.reach.nearest(t.category("breakfast"), f.node) == 0.0);
        }
    CHECK(t.reach.changed(t.category("breakfast")));
}

TEST_CASE("map_app raises a district's app users to the adoption share", "[policy][stochastic]") {
    Town t;
    auto e = event(EventType::map_app, "东区", nullptr);
    e.adoption = 0.9;
    apply_event(e, 3, 20000, t.target);
    std::int64_t users = 0;
    for (auto i : t.members[0]) users += t.world.residents.flags[i] & Residents::kMapApp;
    const double share = static_cast<double>(users) / static_cast<double>(t.members[0].size());
    // stochastic: 1,200 residents, fixed seed; binomial sd about 0.009, 4 sd
    CHECK(std::abs(share - 0.9) < 0.04);
    std::int64_t other = 0;  // the other district is untouched
    for (auto i : t.members[1]) other += t.world.residents.flags[i] & Residents::kMapApp;
    Town fresh;
    std::int64_t other_before = 0;
    for (auto i : fresh.members[1]) other_before += fresh.world.residents.flags[i] & Residents::kMapApp;
    CHECK(other == other_before);
}

TEST_CASE("new_housing adds adult-headed households and its commercial floor as a site to let", "[policy]") {
    Town t;
    const auto residents = t.world.residents.size(), shops = t.world.facilities.size();
    auto e = event(EventType::new_housing, "西区", nullptr);
    e.residents = 960;
    e.commercial_share = 0.2;
    apply_event(e, 0, 20000, t.target);
    REQUIRE(t.world.residents.size() == residents + 960);
    CHECK(t.added_day.size() == 960);
    CHECK(t.members[1].size() == 800 + 960);
    for (std::size_t i = residents; i < t.world.residents.size(); ++i) {
        CHECK(t.world.residents.district[i] == 1);
        CHECK(t.world.node_district[t.world.residents.home_node[i]] == 1);
    }
    for (std::size_t h = 0; h + 1 < t.world.household_start.size(); ++h)
        if (t.world.household_start[h] >= residents)
            CHECK(t.world.residents.age[t.world.household_start[h]] != static_cast<std::uint8_t>(AgeGroup::child));
    // no shop opens by decree (issue 22: 187 shops in a day, then 100 closures); 960 residents
    // / 3.2 a household x 100 m2 x 0.2 = 6,000 m2 of floor that entrants let on expected profit
    CHECK(t.world.facilities.size() == shops);
    REQUIRE(t.entry_sites.floor(1).size() == 1);
    CHECK(t.entry_sites.floor(0).empty());
    const auto& site = t.entry_sites.floor(1).front();
    CHECK(std::abs(site.floor_left - 6000.0f) < 0.01f);
    CHECK(t.world.node_district[site.node] == 1);
    const auto candidates = candidate_sites(t.world, 1);
    CHECK(std::find(candidates.begin(), candidates.end(), site.node) != candidates.end());
    CHECK_FALSE(site.homes.empty());  // priced like any entry site: the homes within a walk
}

TEST_CASE("extend_hours is a standing rule: entrants get its hours, and they end after its until", "[policy]") {
    // issue 22: a one-off change of the shops open on the day faded as shops turned over
    Town t;
    const auto c = t.category("convenience");
    auto e = event(EventType::extend_hours, "东区", "convenience");
    e.open_hour = 0;
    e.close_hour = 24;
    e.until = Date{2025, 6, 30};
    apply_event(e, 0, Date{2025, 1, 1}.days(), t.target);
    const std::size_t dc = t.levers.at(0, c);
    REQUIRE(t.levers.has_hours(dc));
    Facility entrant = make_facility(t.world.scenario, t.world.facilities.front().node, static_cast<int>(c), 0);
    apply_standing_rules(t.levers, dc, entrant);
    CHECK(entrant.open_hour == 0.0f);
    CHECK(entrant.close_hour == 24.0f);
    Facility elsewhere = make_facility(t.world.scenario, t.world.facilities.front().node, static_cast<int>(c), 1);
    apply_standing_rules(t.levers, t.levers.at(1, c), elsewhere);  // the rule is 东区's only
    CHECK(elsewhere.close_hour == static_cast<float>(t.world.scenario.categories[c].close_hour));
    const auto id = open_facility(t.world, t.reach, entrant, Date{2025, 3, 1}.days());
    CHECK_FALSE(end_rules_due(Date{2025, 6, 30}.days(), t.target));  // in force through its last day
    CHECK(end_rules_due(Date{2025, 7, 1}.days(), t.target));
    CHECK_FALSE(t.levers.has_hours(dc));
    CHECK(t.world.facilities[id].close_hour == static_cast<float>(t.world.scenario.categories[c].close_hour));
}

TEST_CASE("multi_function is a standing rule that ends: added categories leave the reach tables", "[policy]") {
    Town t, untouched;
    const auto conv = t.category("convenience"), breakfast = t.category("breakfast");
    auto e = event(EventType::multi_function, "东区", "convenience");
    e.adds = {"breakfast"};
    e.until = Date{2025, 6, 30};
    apply_event(e, 0, Date{2025, 1, 1}.days(), t.target);
    CHECK(t.levers.adds[t.levers.at(0, conv)] == (std::uint64_t{1} << breakfast));
    REQUIRE(end_rules_due(Date{2025, 7, 1}.days(), t.target));
    for (std::uint32_t id = 0; id < t.world.facilities.size(); ++id) {
        const auto& f = t.world.facilities[id];
        if (f.category != conv || f.district != 0 || f.state != FacilityState::open) continue;
        CHECK_FALSE(serves(f, breakfast));
        // breakfast is as far as it was before the rule; the shop is still a convenience store
        CHECK(t.reach.nearest(breakfast, f.node) == untouched.reach.nearest(breakfast, f.node));
        CHECK(t.reach.nearest(conv, f.node) == 0.0);
    }
}

TEST_CASE("the reach rebuilt from its tables' order after a multi_function rule ends equals the reach it had",
          "[policy][checkpoint]") {
    // A checkpoint keeps each category's table order and rebuilds the reach from it on resuming
    // (FacilityReach's constructor with `order`). A rule's end takes the shops out of every
    // table and puts them back into those they still serve: their old entries stay in the
    // order, closed, and must be closed again in the rebuilt reach, or a resumed run would part
    // from the run never stopped.
    Town t;
    auto e = event(EventType::multi_function, "东区", "convenience");
    e.adds = {"breakfast"};
    e.until = Date{2025, 6, 30};
    apply_event(e, 0, Date{2025, 1, 1}.days(), t.target);
    REQUIRE(end_rules_due(Date{2025, 7, 1}.days(), t.target));
    const std::size_t nc = t.world.scenario.categories.size();
    std::vector<std::vector<std::uint32_t>> order(nc);
    for (std::size_t c = 0; c < nc; ++c) order[c] = t.reach.facilities(c);
    const FacilityReach rebuilt(t.world, ChoiceCache::kMaxK, 1500.0, order);
    for (std::size_t c = 0; c < nc; ++c) {
        INFO("category " << t.world.scenario.categories[c].key);
        CHECK(std::ranges::equal(rebuilt.table(c).distances(), t.reach.table(c).distances()));
        CHECK(std::ranges::equal(rebuilt.table(c).facilities(), t.reach.table(c).facilities()));
        for (std::uint32_t local = 0; local < order[c].size(); ++local)
            CHECK(rebuilt.table(c).is_open(local) == t.reach.table(c).is_open(local));
    }
}

TEST_CASE("close_facility closes the newest public facilities of its category, or those nearest its places",
          "[policy]") {
    Town t;
    const auto canteen = t.category("elder_canteen");
    // three public canteens in 西区 opened on different days, and a private one (made private
    // here) that the event must leave alone
    auto open = event(EventType::plan_facility, "西区", "elder_canteen");
    open.count = 1;
    open.operator_ = Operator::public_;
    for (std::int64_t day : {20000, 20010, 20020, 20030}) apply_event(open, 0, day, t.target);
    const auto n = t.world.facilities.size();
    t.world.facilities[n - 1].operator_ = Operator::private_;  // the newest: private
    auto close = event(EventType::close_facility, "西区", "elder_canteen");
    close.count = 1;
    apply_event(close, 1, 20040, t.target);
    // the newest public one (opened 20020) closed; the private newer one stays open
    CHECK(t.world.facilities[n - 2].state == FacilityState::closed);
    CHECK(t.world.facilities[n - 2].closed_day == 20040);
    CHECK(t.world.facilities[n - 1].state == FacilityState::open);
    CHECK(t.world.facilities[n - 3].state == FacilityState::open);
    CHECK(t.reach.changed(canteen));
    // at a place: the public one nearest it, whatever its age
    const Facility& oldest = t.world.facilities[n - 4];
    close.sites_xy = {{t.world.network.x()[oldest.node] + oldest.dx, t.world.network.y()[oldest.node] + oldest.dy}};
    close.count = 1;
    apply_event(close, 2, 20050, t.target);
    CHECK(t.world.facilities[n - 4].state == FacilityState::closed);
    CHECK(t.world.facilities[n - 3].state == FacilityState::open);
    // more than are open: what there is closes, nothing else (the private one stays)
    close.sites_xy.clear();
    close.count = 50;
    apply_event(close, 3, 20060, t.target);
    for (std::size_t id = 0; id < t.world.facilities.size(); ++id) {
        const Facility& f = t.world.facilities[id];
        if (f.category != canteen || f.district != 1) continue;
        CHECK((f.state == FacilityState::open) == (f.operator_ == Operator::private_));
    }
    CHECK(t.world.facilities[n - 1].state == FacilityState::open);
}
