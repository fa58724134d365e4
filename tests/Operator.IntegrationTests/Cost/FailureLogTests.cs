using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Operator.IntegrationTests.Cost;

/// <summary>Expected failures are one log line per attempt, without a stack trace; only the unexpected carry one.</summary>
public sealed class FailureLogTests
{
    [Fact]
    public async Task ExpectedFailures_AreOneLinePerAttempt_WithoutAStackTrace()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync("missing-key");
        await h.CreateNamespaceAsync("no-integration");
        await h.CreateIntegrationAsync();
        var meter = new CostMeter(h);
        await meter.StartAsync();

        // Retried with backoff (the key may appear in the store), and not retried (nothing has that FQN until one is created).
        await h.CreateGroupAsync("missing-key", "missing-key", ["NOT_IN_STORE"]);
        await h.CreateGroupAsync("no-integration", "no-integration", ["K"], g => g.Spec.IntegrationFqn = h.FqnOf("nope"));
        await meter.RunAsync(TimeSpan.FromMinutes(2));

        var retried = meter.Of("missing-key", "missing-key");
        var lines = meter.LinesOf("missing-key", "missing-key").ToList();
        Assert.True(retried.Reconciles >= 5, $"{retried}");
        Assert.All(lines, l => Assert.StartsWith("Warning Group missing-key/missing-key not synced: SecretNotFound", l, StringComparison.Ordinal));

        // One line per attempt: every reconcile but the echo of the one status write.
        Assert.InRange(lines.Count, retried.Reconciles - 1, retried.Reconciles);
        Assert.Single(meter.LinesOf("no-integration", "no-integration"), l => l.Contains("IntegrationNotFound", StringComparison.Ordinal));
        Assert.Equal(1, meter.Of("no-integration", "no-integration").LogLines);

        var records = h.Host!.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(records, r => r.Exception is not null);
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
    }
}
