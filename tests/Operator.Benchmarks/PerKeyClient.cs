using System.Diagnostics;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Operator.Stores;
using Operator.Testing.Stores.Aws;

namespace Operator.Benchmarks;

/// <summary>
/// The per-key comparison: what an operator that makes one GetParameter per key per refresh would cost, measured
/// against the same fake (same latency, same TPS limit) in the same run. It is a benchmark-side client on purpose,
/// not a hidden operator option: the product keeps one read path, and nothing shipped can be switched into the
/// expensive mode. It paces itself with the operator's own TokenBucket at the same rate, retries throttling the way
/// StoreRetry does, and uses as many concurrent callers as the operator has workers, so the only difference left is
/// batching.
/// </summary>
internal static class PerKeyClient
{
    public sealed record Result(int Groups, long Calls, long Throttled, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(SsmFake fake, IReadOnlyList<string> groups, int keys, double tps, int concurrency, CancellationToken cancellationToken)
    {
        var config = new AmazonSimpleSystemsManagementConfig { ServiceURL = fake.Url, AuthenticationRegion = SsmFake.Region, MaxErrorRetry = 0 };
        using var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials(SsmFake.DefaultAccessKeyId, SsmFake.DefaultSecretAccessKey), config);
        var bucket = tps > 0 ? new TokenBucket(tps, Math.Max(1, (int)tps), TimeProvider.System) : null;
        var names = groups.SelectMany(g => Enumerable.Range(1, keys).Select(k => Scenario.ParameterName(g, k))).ToList();
        long calls = 0;
        long throttled = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                if (bucket is not null)
                {
                    await bucket.AcquireAsync(ct);
                }

                Interlocked.Increment(ref calls);
                try
                {
                    await client.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, ct);
                    return;
                }
                catch (AmazonSimpleSystemsManagementException e) when (e.ErrorCode == "ThrottlingException" && attempt < 6)
                {
                    Interlocked.Increment(ref throttled);
                    var cap = Math.Min(10_000, 200 * Math.Pow(2, attempt - 1));
                    await Task.Delay(TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() * 0.5))), ct);
                }
            }
        });
        return new Result(groups.Count, calls, throttled, clock.Elapsed);
    }
}
