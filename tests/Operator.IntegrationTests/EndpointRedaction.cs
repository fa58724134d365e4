using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>Canary credentials an endpoint carries: random, so finding one anywhere the operator writes is a leak.</summary>
public sealed record Canary(string Password, string Token)
{
    public static Canary New() => new(
        $"canary-pass-{RandomNumberGenerator.GetHexString(12, lowercase: true)}",
        $"canary-token-{RandomNumberGenerator.GetHexString(12, lowercase: true)}");
}

/// <summary>An integration whose endpoint (the field the user wrote, <paramref name="Field"/>) carries canary credentials; <paramref name="Spec"/> replaces the harness's default store block.</summary>
public sealed record RedactionCase(string Name, string Field, Action<SecretStoreIntegrationSpec> Spec);

/// <summary>
/// The shared canary run of each store folder's endpoint redaction test: credentials written into an endpoint (user
/// info, a query token) are never repeated by the operator, not in status, Events, logs or exceptions, while the
/// message still names the field.
/// </summary>
public static class EndpointRedaction
{
    /// <summary>
    /// Creates the cases' integrations, waits until each is refused (InvalidSpec) with a message naming its field, then
    /// asserts no canary appears anywhere a person or a log pipeline sees, and that <paramref name="shown"/> (the
    /// endpoint as the message shows it, credentials as ***; null when the message does not echo it) does.
    /// </summary>
    public static async Task AssertNeverEchoedAsync(Func<Canary, IEnumerable<RedactionCase>> casesOf, string? shown, Action<OperatorHarness>? setUp = null)
    {
        var canary = Canary.New();
        var cases = casesOf(canary).ToList();
        var exceptions = new List<string>();
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            lock (exceptions)
            {
                exceptions.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            await using var h = await OperatorHarness.StartAsync();
            setUp?.Invoke(h);
            foreach (var c in cases)
            {
                await h.CreateIntegrationAsync(c.Name, i => c.Spec(i.Spec));
            }

            var api = new ResourceClient<SecretStoreIntegration>(h.Client);
            foreach (var c in cases)
            {
                V1Condition? ready = null;
                await OperatorHarness.WaitForAsync(
                    async () =>
                    {
                        ready = (await api.GetAsync(new ObjectKey(null, c.Name), CancellationToken.None))?.Status?.Conditions?.FirstOrDefault(x => x.Type == "Ready");
                        return ready is { Status: "False", Reason: "InvalidSpec" };
                    },
                    $"integration {c.Name} refused",
                    () => ready?.Message ?? "no condition");
                Assert.Contains(c.Field, ready!.Message, StringComparison.Ordinal);
            }

            // Everything a person or a log pipeline sees; the specs themselves hold what the user wrote and are not scanned.
            await OperatorHarness.WaitForAsync(async () => (await h.Client.EventsV1.ListNamespacedEventAsync("default")).Items.Count >= cases.Count, "an Event per integration");
            var statuses = (await api.ListAsync(null, null, CancellationToken.None)).Select(i => KubernetesJson.Serialize(i.Status));
            var events = KubernetesJson.Serialize(await h.Client.EventsV1.ListEventForAllNamespacesAsync());
            var logs = h.Host!.Services.GetFakeLogCollector().GetSnapshot().Select(r =>
                $"{r.Message} {string.Join(",", r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])} {string.Join(";", r.Scopes.Select(s => s?.ToString()))} {r.Exception}");
            var observed = statuses.Concat([events]).Concat(logs).ToList();
            lock (exceptions)
            {
                observed.AddRange(exceptions);
            }

            if (shown is not null)
            {
                Assert.Contains(observed, o => o.Contains(shown, StringComparison.Ordinal));
            }

            foreach (var secret in new[] { canary.Password, canary.Token })
            {
                Assert.DoesNotContain(observed, o => o.Contains(secret, StringComparison.Ordinal));
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        }
    }
}
