using Operator.References;

namespace Operator.Stores;

/// <summary>
/// What a store can do; the reconciler batches reads by <see cref="MaxBatchSize"/>. <see cref="MaxValueBytes"/> is the
/// service's documented limit for one value as the store keeps it (text stores count the encoded text).
/// <see cref="KeepsVersions"/>: earlier versions of a value stay readable (false: only the current one).
/// <see cref="CanList"/>: <see cref="ISecretStore.ListAsync"/> works (spec.dataFrom[].find); <see cref="ListsByTags"/>: it filters by tags too.
/// </summary>
public sealed record StoreCapabilities(int MaxBatchSize, bool CanWrite, int MaxValueBytes, int MaxConcurrency = 4, bool KeepsVersions = true, bool CanList = false, bool ListsByTags = false);
