"""Latency of the latent explorers: how long one slider move takes to decode and re-encode the pictures.

The decoders' weights do not change the cost, so untrained networks of the course's architectures are timed.
Issue target: median update (decode + PNG encode) <= 30 ms on a 2-core CPU.

    python benchmarks/bench_widgets.py [--moves 200]
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from benchlib import Row  # noqa: E402

import course_lib  # noqa: E402
from course_lib import widgets  # noqa: E402
from course_lib.models import conditional, dcgan  # noqa: E402


def _time_moves(explorer, move, moves):
    explorer.widget  # noqa: B018  (build it, first draw included)
    explorer.update_seconds.clear()
    rng = np.random.default_rng(0)
    for _ in range(moves):
        move(explorer, rng)
    seconds = np.array(explorer.update_seconds)
    return np.median(seconds) * 1000, np.percentile(seconds, 95) * 1000


TARGET_MS = 30.0


def explorer_cases():
    """The three explorers, each with a function that moves one of its sliders at random."""
    generator = dcgan.build_dcgan_generator(latent_dim=64)
    conditional_generator = conditional.build_conditional_generator(latent_dim=64)
    decoder_2d = dcgan.build_dcgan_generator(latent_dim=2, name="decoder_2d")
    latent_points = np.random.default_rng(1).standard_normal((2000, 2))

    cases = {
        "VAE explorer (2-D latent, image + latent map)": (
            widgets.VAEExplorer(
                decoder_2d,
                2,
                latent_points=latent_points,
                labels=np.arange(2000) % 10,
                value_range=(-1, 1),
            ),
            lambda e, rng: setattr(e.sliders[0], "value", float(rng.uniform(-3, 3))),
        ),
        "Interpolation explorer (3 images)": (
            widgets.InterpolationExplorer(generator, 64),
            lambda e, rng: setattr(e.position_slider, "value", float(rng.uniform(0, 1))),
        ),
        "Conditional explorer (class + style)": (
            widgets.ConditionalExplorer(conditional_generator, 64, class_names=list("0123456789")),
            lambda e, rng: setattr(e.style_sliders[0], "value", float(rng.uniform(-3, 3))),
        ),
    }
    return cases


def benchmark_rows(smoke=False, moves=None):
    """Times slider moves on each explorer and returns run_all's rows (one per explorer).

    Args:
        smoke: smoke mode (10 moves each instead of 200).
        moves: slider moves per explorer (overrides the mode's default).

    Returns:
        A list of `benchlib.Row`: updates per second and the median and 95th-percentile update time.
    """
    moves = moves or (10 if smoke else 200)
    rows = []
    for name, (explorer, move) in explorer_cases().items():
        median, p95 = _time_moves(explorer, move, moves)
        rows.append(
            Row(
                "widgets",
                name,
                None,
                1000 / median,
                "updates",
                f"median update {median:.1f} ms (95th percentile {p95:.1f} ms)",
                f"median ≤ {TARGET_MS:.0f} ms",
                None if smoke else median <= TARGET_MS,
                details={"median_ms": median, "p95_ms": p95, "moves": moves},
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=course_lib.pick(full=200, smoke=10))
    args = parser.parse_args()
    course_lib.setup(verbose=False)

    print(f"{'explorer':50s} {'median ms':>10s} {'p95 ms':>8s}")
    for row in benchmark_rows(moves=args.moves):
        print(f"{row.model:50s} {row.details['median_ms']:10.1f} {row.details['p95_ms']:8.1f}")
    print(
        f"\n{args.moves} moves each; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d')}"
    )


if __name__ == "__main__":
    main()
