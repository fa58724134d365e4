using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.BadInput;

/// <summary>
/// Every case of corpus.json is bad input: it must yield an API error or a condition that names the field and the
/// problem, while nothing else changes and the operator keeps running.
/// </summary>
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    private sealed record Expect(int? ApiError, string? Reason, string Contains);

    private sealed record Case(string Name, string Kind, JsonObject Spec, Expect Expect, JsonObject? Setup, string? MetadataName);

    private static List<Case> LoadCorpus()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BadInput", "corpus.json"));
        return JsonSerializer.Deserialize<List<Case>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    [Fact]
    public async Task EveryBadInput_NamesTheFieldAndTheProblem_AndChangesNothingElse()
    {
        var corpus = LoadCorpus();
        Assert.True(corpus.Count >= 50, $"the corpus has {corpus.Count} cases; keep at least 50");

        await using var h = await OperatorHarness.StartAsync();
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", "mounted-secret-value");
        var fqn = h.FqnOf();
        var openFqn = h.FqnOf("open");
        await h.CreateIntegrationAsync();
        await h.CreateIntegrationAsync("open", i => i.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true });
        await h.CreateNamespaceAsync("baseline");
        await h.SetSourceValuesAsync("baseline", new Dictionary<string, string> { ["K"] = "baseline-value" });
        await h.SetSourceValuesAsync("big-a", new Dictionary<string, string> { ["A"] = new('a', 600_000) });
        await h.SetSourceValuesAsync("big-b", new Dictionary<string, string> { ["B"] = new('b', 600_000) });
        await h.CreateGroupAsync("baseline", "baseline", ["K"]);
        await h.WaitForGroupAsync("baseline", "baseline", "True", "Synced");
        var baselineSecret = KubernetesJson.Serialize(await h.GetSecretAsync("baseline", "baseline"));
        h.Time.Advance(TimeSpan.FromSeconds(5)); // every case is younger than the baseline

        var pending = new List<(Case Case, string? Namespace, string Name)>();
        var failures = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var c = corpus[i];
            var ns = c.Kind == "SecretGroup" ? c.Setup?["namespace"]?.GetValue<string>() ?? $"case-{i}" : null;
            var name = c.MetadataName ?? c.Setup?["name"]?.GetValue<string>() ?? (c.Kind == "SecretGroup" ? $"case-{i}" : $"bad-{i}");
            var specText = c.Spec.ToJsonString()
                .Replace("@FQN@", fqn, StringComparison.Ordinal)
                .Replace("@OPEN_FQN@", openFqn, StringComparison.Ordinal)
                .Replace("@TENANT@", h.Tenant, StringComparison.Ordinal)
                .Replace("@SELF@", name, StringComparison.Ordinal);
            var body = new JsonObject
            {
                ["apiVersion"] = Operator.Entities.V1Alpha1.Api.GroupVersion,
                ["kind"] = c.Kind,
                ["metadata"] = ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["spec"] = JsonNode.Parse(specText),
            };
            if (ns is not null)
            {
                await h.CreateNamespaceAsync(ns);
            }

            if (c.Setup?["foreignSecret"]?.GetValue<string>() is { } foreign)
            {
                await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = foreign }, StringData = new Dictionary<string, string> { ["x"] = "y" } }, ns);
            }

            if (c.Setup?["sourceKey"]?.GetValue<string>() is { } sourceKey)
            {
                await h.SetSourceValuesAsync(name, new Dictionary<string, string> { [sourceKey] = "v" });
            }

            try
            {
                if (ns is null)
                {
                    await h.Client.CustomObjects.CreateClusterCustomObjectAsync(body, Operator.Entities.V1Alpha1.Api.Group, Operator.Entities.V1Alpha1.Api.Version, "secretstoreintegrations");
                }
                else
                {
                    await h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Operator.Entities.V1Alpha1.Api.Group, Operator.Entities.V1Alpha1.Api.Version, ns, "secretgroups");
                }

                if (c.Expect.ApiError is not null)
                {
                    failures.Add($"{c.Name}: accepted by the API, expected HTTP {c.Expect.ApiError}");
                    continue;
                }

                pending.Add((c, ns, name));
            }
            catch (HttpOperationException e)
            {
                if ((int)e.Response.StatusCode != c.Expect.ApiError || !e.Response.Content.Contains(c.Expect.Contains, StringComparison.Ordinal))
                {
                    failures.Add($"{c.Name}: got HTTP {(int)e.Response.StatusCode} '{e.Response.Content}', expected {c.Expect.ApiError} containing '{c.Expect.Contains}'");
                }
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
        _ = Encoding.UTF8;
    }
}
