// Needs: the (category, slot) alias draw reproduces the joint distribution it is built from.
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "catch.hpp"
#include "core/scenario.hpp"
#include "models/needs.hpp"

using lc_test::Approx;

namespace {

/// The i-th of n evenly spaced 32-bit draws (a stratified sweep of [0, 2^32)).
std::uint32_t stratum(int i, int n) { return static_cast<std::uint32_t>(std::ldexp((i + 0.5) / n, 32)); }

lifecircle::Scenario tiny() {
    return lifecircle::load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/tiny.toml");
}

}  // namespace

TEST_CASE("the category and slot of a need follow rate x slot profile", "[needs]") {
    // A stratified sweep of u over [0, 1) gives each alias column the same number of draws,
    // so the frequencies equal the target shares up to columns / draws: a wrong threshold,
    // alias or outcome index shows at once.
    const auto sc = tiny();
    const lifecircle::NeedModel model(sc);
    const std::size_t ns = sc.slots.size(), nc = sc.categories.size();
    for (int age = 0; age < lifecircle::kAgeGroups; ++age)
        for (int day = 0; day < lifecircle::kDayTypes; ++day)
            for (int head = 0; head < 2; ++head) {
                std::vector<double> target(nc * ns, 0.0);
                double total = 0;
                for (std::size_t c = 0; c < nc; ++c) {
                    const auto& cat = sc.categories[c];
                    const double rate = cat.household && !head ? 0.0 : cat.trips_per_day[day][age];
                    double profile = 0;
                    for (double s : cat.slot_profile) profile += s;
                    for (std::size_t s = 0; s < ns; ++s) target[c * ns + s] = rate * cat.slot_profile[s] / profile;
                    total += rate;
                }
                REQUIRE(model.rate(age, day, head) == Approx(total));
                if (total == 0) continue;
                const int draws = 200000;
                std::vector<double> seen(nc * ns, 0.0);
                int out_of_range = 0;
                for (int i = 0; i < draws; ++i) {
                    const auto [c, s] = model.category_slot(age, day, head, stratum(i, draws));
                    if (c < 0 || c >= static_cast<int>(nc) || s < 0 || s >= static_cast<int>(ns)) {
                        ++out_of_range;
                        continue;
                    }
                    seen[static_cast<std::size_t>(c) * ns + static_cast<std::size_t>(s)] += 1.0 / draws;
                }
                REQUIRE(out_of_range == 0);
                for (std::size_t o = 0; o < target.size(); ++o) {
                    CHECK(seen[o] == Approx(target[o] / total).margin(2.0 / draws * 2));
                    if (target[o] == 0) CHECK(seen[o] == 0);  // never a closed slot or a non-head's household need
                }
            }
}

TEST_CASE("the number of needs a day is Poisson with the summed rates", "[needs]") {
    const auto sc = tiny();
    const lifecircle::NeedModel model(sc);
    const int draws = 100000;
    double mean = 0;
    for (int i = 0; i < draws; ++i) mean += model.count(1, 0, true, stratum(i, draws));
    mean /= draws;
    CHECK(mean == Approx(model.rate(1, 0, true)).epsilon(1e-3));
}
