// The market (models/market.hpp): shops' accounts, exits after losses and by background
// hazard, entry where lost demand would pay a shop, crowding.
#include <cmath>
#include <cstdint>
#include <vector>

#include "catch.hpp"
#include "core/world.hpp"
#include "fixtures.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"
#include "models/market.hpp"
#include "models/world_builder.hpp"

using namespace lifecircle;

namespace {

/// The tiny town without background exits (so that only accounts close shops).
World quiet_world() {
    Scenario sc = test::tiny_scenario();
    for (auto& c : sc.categories) c.exit_per_year = 0.0;
    return build_world(sc);
}

std::uint32_t first_of(const World& w, const char* category, std::size_t district) {
    const int c = w.scenario.category_index(category);
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id)
        if (w.facilities[id].category == c && w.facilities[id].district == district) return id;
    FAIL("no " << category << " in district " << district);
    return 0;
}

}  // namespace

TEST_CASE("a month's account: gross margin less rent after the cut, staff, other costs and grant", "[market]") {
    const Scenario sc = test::tiny_scenario();
    const Category& conv = sc.categories[static_cast<std::size_t>(sc.category_index("convenience"))];
    Facility f;
    f.floor_area_m2 = 80;
    // rent 80 m2 x 45 = 3,600 yuan, staff 7,000, other 1,500: 12,100 yuan = 1,210,000 fen
    CHECK(fixed_costs_fen(conv) == 1'210'000);
    auto a = month_account(conv, sc.economics, f, 1'000'000, 0.0, 0.0);
    CHECK(a.gross == 173'000);
    CHECK(a.costs == 1'210'000);
    CHECK(a.profit == 173'000 - 1'210'000);
    CHECK(a.loss);
    a = month_account(conv, sc.economics, f, 1'000'000, 0.5, 2000.0);  // half the rent, 2,000 yuan grant
    CHECK(a.costs == 180'000 + 850'000 - 200'000);
    // break-even share: a loss month is gross below 85% of costs
    const std::int64_t revenue = 7'000'000;  // gross 1,211,000 against costs 1,210,000
    CHECK_FALSE(month_account(conv, sc.economics, f, revenue, 0.0, 0.0).loss);
}

TEST_CASE("background exit: the yearly rate spread over months, higher in the first three years", "[market]") {
    const Scenario sc = test::tiny_scenario();
    Category c;
    c.exit_per_year = 0.2;
    const double old = monthly_exit_probability(c, sc.economics, 5.0);
    CHECK(1.0 - std::pow(1.0 - old, 12.0) == lc_test::Approx(0.2).epsilon(1e-12));
    const double young = monthly_exit_probability(c, sc.economics, 1.0);
    CHECK(1.0 - std::pow(1.0 - young, 12.0) == lc_test::Approx(0.2 * sc.economics.young_hazard_factor).epsilon(1e-12));
    c.exit_per_year = 0.0;
    CHECK(monthly_exit_probability(c, sc.economics, 1.0) == 0.0);
}

TEST_CASE("a shop closes after loss_months loss months in a row, and a rent subsidy keeps it open",
          "[market][behaviour]") {
    World w = quiet_world();
    const std::size_t nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    const auto id = first_of(w, "convenience", 0);
    const auto conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    // gross 900,000 fen: below 85% of 1,210,000 (a loss), above 85% of 850,000 (rent waived)
    std::vector<std::int64_t> revenue(w.facilities.size(), 0);
    revenue[id] = std::llround(900'000 / 0.173);
    for (double rent_cut : {0.0, 1.0}) {
        World run = w;
        FacilityReach r = reach;
        PlanLevers levers(nd, nc);
        levers.rent_cut[levers.at(0, conv)] = rent_cut;
        MarketMonth out;
        for (std::uint64_t month = 0; month < 3; ++month) {
            INFO("rent cut " << rent_cut << ", month " << month);
            CHECK(run.facilities[id].state == FacilityState::open);
            settle_accounts(run, r, levers, revenue, 20000 + 30 * static_cast<std::int64_t>(month), month, out);
        }
        const bool closed = run.facilities[id].state == FacilityState::closed;
        CHECK(closed == (rent_cut == 0.0));
        if (closed) {
            CHECK(run.facilities[id].closed_day == 20060);
            CHECK(out.closures[0] >= 1);
            CHECK(r.changed(conv));  // the choices must be rebuilt
        }
    }
}

TEST_CASE("entry: a shop opens where lost demand would pay it, at the best site, and nowhere else",
          "[market][behaviour]") {
    World w = quiet_world();
    const std::size_t nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    SiteChooser sites;
    PlanLevers levers(nd, nc);
    const auto conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    std::vector<std::int64_t> spend(nc, 2500), lost(nd * nc, 0);
    const auto before = w.facilities.size();
    MarketMonth out;
    // costs 1,210,000 fen; each lost need would have brought 2,500 x 0.173 = 432.5 fen of margin
    lost[levers.at(1, conv)] = 2000;  // 865,000 fen: below entry_margin x costs
    enter_market(w, reach, sites, levers, lost, spend, 20000, out);
    CHECK(w.facilities.size() == before);
    lost[levers.at(1, conv)] = 4000;  // 1,730,000 fen: pays
    enter_market(w, reach, sites, levers, lost, spend, 20000, out);
    REQUIRE(w.facilities.size() == before + 1);
    const Facility& f = w.facilities.back();
    CHECK(f.category == conv);
    CHECK(f.district == 1);
    CHECK(f.origin == FacilityOrigin::market_entry);
    CHECK(f.opened_day == 20001);  // tomorrow
    CHECK(out.openings == std::vector<std::int64_t>{0, 1});
    CHECK(reach.nearest(conv, f.node) == 0.0);
    // the site is the one greedy maximal coverage picks
    World again = quiet_world();
    FacilityReach reach_again(again, ChoiceCache::kMaxK, 1500.0);
    CHECK(f.node == SiteChooser().best_site(again, reach_again, 1, conv, residents_per_node(again)));
}

TEST_CASE("crowding: visits above a shop's capacity lower its weight in next month's choices", "[market]") {
    const World w = quiet_world();
    const auto cap =
        static_cast<std::int64_t>(w.facilities[0].floor_area_m2 * w.scenario.economics.capacity_visits_per_m2);
    std::vector<std::int64_t> visits(w.facilities.size(), 0);
    visits[0] = 2 * cap;
    visits[1] = cap / 2;
    std::vector<float> crowding;
    update_crowding(w, visits, crowding);
    REQUIRE(crowding.size() == w.facilities.size());
    CHECK(crowding[0] == lc_test::Approx(0.5).epsilon(1e-3));  // twice the capacity: half the weight
    CHECK(crowding[1] == 1.0f);
}
