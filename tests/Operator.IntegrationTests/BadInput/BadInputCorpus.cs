using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.BadInput;

/// <summary>corpus.json: bad input as a user would write it, and how each case must be refused.</summary>
public static class BadInputCorpus
{
    public sealed record Expect(int? ApiError, string? Reason, string Contains);

    public sealed record Case(string Name, string Kind, JsonObject Spec, Expect Expect, JsonObject? Setup, string? MetadataName);

    /// <summary>Where a case's object lives; <see cref="Namespace"/> is null for a SecretStoreIntegration.</summary>
    public sealed record Placed(Case Case, string? Namespace, string Name);

    public static List<Case> Load()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BadInput", "corpus.json"));
        return JsonSerializer.Deserialize<List<Case>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>The integrations the cases refer to (@FQN@, @OPEN_FQN@), a mounted credential and the source values some cases read.</summary>
    public static async Task SetUpAsync(OperatorHarness h)
    {
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", "mounted-secret-value");
        await h.CreateIntegrationAsync();
        await h.CreateIntegrationAsync("open", i => i.Spec.Access = new Entities.V1Alpha1.IntegrationAccessSpec { AllowPathReferences = true });
        await h.SetSourceValuesAsync("big-a", new Dictionary<string, string> { ["A"] = new('a', 600_000) });
        await h.SetSourceValuesAsync("big-b", new Dictionary<string, string> { ["B"] = new('b', 600_000) });
    }

    /// <summary>Creates case number <paramref name="index"/> (and what it needs) as a user would; returns the API's refusal, if any.</summary>
    public static async Task<(Placed Placed, HttpOperationException? Refused)> CreateAsync(OperatorHarness h, Case c, int index)
    {
        var ns = c.Kind == "SecretGroup" ? c.Setup?["namespace"]?.GetValue<string>() ?? $"case-{index}" : null;
        var name = c.MetadataName ?? c.Setup?["name"]?.GetValue<string>() ?? (c.Kind == "SecretGroup" ? $"case-{index}" : $"bad-{index}");
        var specText = c.Spec.ToJsonString()
            .Replace("@FQN@", h.FqnOf(), StringComparison.Ordinal)
            .Replace("@OPEN_FQN@", h.FqnOf("open"), StringComparison.Ordinal)
            .Replace("@TENANT@", h.Tenant, StringComparison.Ordinal)
            .Replace("@SELF@", name, StringComparison.Ordinal);
        var body = new JsonObject
        {
            ["apiVersion"] = Entities.V1Alpha1.Api.GroupVersion,
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
            // A service-account token Secret names its ServiceAccount (the API server requires the annotation).
            var type = c.Setup["foreignSecretType"]?.GetValue<string>() ?? "Opaque";
            var annotations = type == "kubernetes.io/service-account-token"
                ? new Dictionary<string, string> { ["kubernetes.io/service-account.name"] = "default" }
                : new Dictionary<string, string> { [ManagedLabels.MergeAllowedFrom] = name };
            await h.Client.CoreV1.CreateNamespacedSecretAsync(
                new V1Secret { Metadata = new V1ObjectMeta { Name = foreign, Annotations = annotations }, Type = type, StringData = new Dictionary<string, string> { ["x"] = "y" } }, ns);
        }

        if (c.Setup?["sourceKey"]?.GetValue<string>() is { } sourceKey)
        {
            await h.SetSourceValuesAsync(name, new Dictionary<string, string> { [sourceKey] = "v" });
        }

        try
        {
            if (ns is null)
            {
                await h.Client.CustomObjects.CreateClusterCustomObjectAsync(body, Entities.V1Alpha1.Api.Group, Entities.V1Alpha1.Api.Version, "secretstoreintegrations");
            }
            else
            {
                await h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Entities.V1Alpha1.Api.Group, Entities.V1Alpha1.Api.Version, ns, "secretgroups");
            }

            return (new Placed(c, ns, name), null);
        }
        catch (HttpOperationException e)
        {
            return (new Placed(c, ns, name), e);
        }
    }
}
