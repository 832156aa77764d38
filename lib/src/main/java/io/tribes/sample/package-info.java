/**
 * Deterministic synthetic Tribes inputs: {@link io.tribes.sample.SampleGenerator} writes
 * {@code interactions}, {@code members} and {@code truth} (schemas in
 * {@link io.tribes.sample.SampleSchemas}) for a {@link io.tribes.sample.SampleSpec}.
 *
 * <p>Planted structure: hubs (one brand account, {@code Knobs.BOTS} bots, {@code Knobs.CELEBRITIES}
 * unflagged celebrity accounts) touching 10-25% of members over 30 days; every other member in
 * exactly one community of 4-40 members (discrete power law, exponent 1.8, mean ~10); round(10%)
 * (at least 1) ambassadors per community who send 3-5x more and receive most of the community's
 * interactions (ordinary members address an ambassador 80% of the time); ~0.67 interactions per
 * ordinary member per day (Poisson, per-member activity lognormal); 7% cross-community noise,
 * mostly likes, with random topics; ~1.5% opted-out members; ~1% of rows with an explicit weight.
 * Member ids are a keyed permutation of {@code m0..m(N-1)}, zero-padded, so ids carry no community
 * information. All parameters are in {@code Knobs}.
 *
 * <p>Determinism: every row is derived from (seed, member or hub, calendar day) with a
 * self-contained SplitMix64, partition counts follow from the spec, and nothing shuffles, so a spec
 * always produces the same rows in the same files.
 */
package io.tribes.sample;
