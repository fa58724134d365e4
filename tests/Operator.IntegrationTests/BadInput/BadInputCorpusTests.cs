using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.BadInput;

/// <summary>
/// Every case of corpus.json is bad input: it must yield an API error or a condition that names the field and the
/// problem, while nothing else changes and the operator keeps running. A case that expects both an API error and a
/// reason is refused by a CEL rule of the CRD where the API server evaluates CEL, else by the operator.
/// </summary>
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryBadInput_NamesTheFieldAndTheProblem_AndChangesNothingElse()
    {
        var corpus = BadInputCorpus.Load();
        Assert.True(corpus.Count >= 50, $"the corpus has {corpus.Count} cases; keep at least 50");

        await using var h = await OperatorHarness.StartAsync();
        await BadInputCorpus.SetUpAsync(h);
        await h.CreateNamespaceAsync("baseline");
        await h.SetSourceValuesAsync("baseline", new Dictionary<string, string> { ["K"] = "baseline-value" });
        await h.CreateGroupAsync("baseline", "baseline", ["K"]);
        await h.WaitForGroupAsync("baseline", "baseline", "True", "Synced");
        var baselineSecret = KubernetesJson.Serialize(await h.GetSecretAsync("baseline", "baseline"));
        await h.AdvanceAsync(TimeSpan.FromSeconds(5)); // every case is younger than the baseline

        var pending = new List<(BadInputCorpus.Case Case, string? Namespace, string Name)>();
        var failures = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var c = corpus[i];
            var (placed, refused) = await BadInputCorpus.CreateAsync(h, c, i);
            if (refused is null)
            {
                if (c.Expect.ApiError is not null && c.Expect.Reason is null)
                {
                    failures.Add($"{c.Name}: accepted by the API, expected HTTP {c.Expect.ApiError}");
                    continue;
                }

                pending.Add((c, placed.Namespace, placed.Name));
            }
            else if ((int)refused.Response.StatusCode != c.Expect.ApiError || !refused.Response.Content.Contains(c.Expect.Contains, StringComparison.Ordinal))
            {
                failures.Add($"{c.Name}: got HTTP {(int)refused.Response.StatusCode} '{refused.Response.Content}', expected {c.Expect.ApiError} containing '{c.Expect.Contains}'");
            }
        }

        foreach (var (c, ns, name) in pending)
        {
            string? last = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            var ok = false;
            while (!ok && DateTime.UtcNow < deadline)
            {
                var conditions = ns is null
                    ? (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, name), CancellationToken.None))?.Status?.Conditions
                    : (await new ResourceClient<SecretGroup>(h.Client).GetAsync(new ObjectKey(ns, name), CancellationToken.None))?.Status?.Conditions;
                var ready = conditions?.FirstOrDefault(x => x.Type == "Ready");
                last = ready is null ? "no Ready condition" : $"{ready.Status} {ready.Reason}: {ready.Message}";
                ok = ready is { Status: "False" } && ready.Reason == c.Expect.Reason && ready.Message.Contains(c.Expect.Contains, StringComparison.Ordinal);
                if (!ok)
                {
                    await Task.Delay(25);
                }
            }

            output.WriteLine($"{c.Name}: {last}");
            if (!ok)
            {
                failures.Add($"{c.Name}: last saw '{last}', expected False {c.Expect.Reason} containing '{c.Expect.Contains}'");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Nothing else changed: the baseline Secret is byte-for-byte the same, no bad group got a managed Secret,
        // and the operator still syncs.
        Assert.Equal(baselineSecret, KubernetesJson.Serialize(await h.GetSecretAsync("baseline", "baseline")));
        var secrets = await h.Client.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: "app.kubernetes.io/managed-by=secretgroup-operator");
        Assert.Equal(["baseline/baseline"], secrets.Items.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}"));
        await h.SetSourceValuesAsync("after", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync("baseline", "after", ["K"]);
        await h.WaitForGroupAsync("baseline", "after", "True", "Synced");
        Assert.DoesNotContain("mounted-secret-value", string.Join("\n", h.AllLogs()), StringComparison.Ordinal);
    }
}
