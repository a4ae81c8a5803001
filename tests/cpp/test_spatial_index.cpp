#include <cmath>

#include "catch.hpp"
#include "core/rng.hpp"
#include "core/spatial_index.hpp"

TEST_CASE("nearest node equals brute force, ties to the lower index", "[spatial_index]") {
    const lifecircle::CounterRng rng(7, 0);
    std::vector<double> x, y;
    for (int i = 0; i < 500; ++i) {
        x.push_back(std::floor(rng.uniform(2 * i) * 1000.0));  // integer coordinates: ties occur
        y.push_back(std::floor(rng.uniform(2 * i + 1) * 300.0));
    }
    const lifecircle::SpatialIndex index(x, y);
    for (int q = 0; q < 2000; ++q) {
        const double px = rng.uniform(10000 + 2 * q) * 1400.0 - 200.0;  // some outside the box
        const double py = rng.uniform(10001 + 2 * q) * 700.0 - 200.0;
        double best = 1e300;
        std::uint32_t arg = 0;
        for (std::uint32_t i = 0; i < x.size(); ++i) {
            const double d = std::hypot(x[i] - px, y[i] - py);
            if (d < best) best = d, arg = i;
        }
        const auto snap = index.nearest(px, py);
        REQUIRE(snap.distance == lc_test::Approx(best).margin(1e-9));
        REQUIRE(snap.node == arg);
    }
}
