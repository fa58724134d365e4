using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Operator.IntegrationTests.Cost;

/// <summary>An expected failure is one log line when it starts, without a stack trace; only the unexpected carry one.</summary>
public sealed class FailureLogTests
{
    [Fact]
    public async Task AnExpectedFailure_IsOneWarningLine_NotOnePerAttempt_AndHasNoStackTrace()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync("missing-key");
        await h.CreateNamespaceAsync("no-integration");
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync();
        var meter = new CostMeter(h);
        await meter.StartAsync();

        // Retried with backoff (the key may appear in the store), and not retried (nothing has that FQN until one is created).
        await h.CreateGroupAsync("missing-key", "missing-key", ["NOT_IN_STORE"]);
        await h.CreateGroupAsync("no-integration", "no-integration", ["K"], g => g.Spec.IntegrationFqn = h.FqnOf("nope"));
        await meter.RunAsync(TimeSpan.FromMinutes(2));

        var retried = await meter.OfAsync("missing-key", "missing-key");
        Assert.True(retried.Reconciles >= 5, $"{retried}");

        // One Warning line when the failure starts; the retries that find the same failure log at Debug only.
        var line = Assert.Single(meter.LinesOf("missing-key", "missing-key"));
        Assert.StartsWith("Warning Group missing-key/missing-key not synced: SecretNotFound", line, StringComparison.Ordinal);
        Assert.Single(meter.LinesOf("no-integration", "no-integration"), l => l.Contains("IntegrationNotFound", StringComparison.Ordinal));
        Assert.Equal(1, (await meter.OfAsync("no-integration", "no-integration")).LogLines);

        var records = h.Host!.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(records, r => r.Exception is not null);
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
    }
}
