using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using NLua;
using Operator.Entities.V1Alpha1;
using Operator.Testing;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>The Argo CD health script run by a real Lua 5.4 (NLua/KeraLua) against sample objects, as Argo CD runs it.</summary>
public sealed class ArgoCdTests
{
    private static string Script() => File.ReadAllText(RepositoryRoot.File("deploy/argocd/health.lua")).ReplaceLineEndings("\n");

    [Fact]
    public void Lua_LoadsItsNativeLibrary_OnThisPlatform()
    {
        using var lua = new Lua();

        Assert.Equal(3L, lua.DoString("return 1 + 2")[0]);
        Assert.Contains("Lua 5.4", (string)lua.DoString("return _VERSION")[0], StringComparison.Ordinal);
        Assert.True(RuntimeInformation.RuntimeIdentifier.Length > 0);
    }

    [Fact]
    public void ReadyTrue_ForTheCurrentGeneration_IsHealthy()
    {
        var (status, message) = Health(Group(generation: 2, observed: 2, Ready("True", "Synced", "2 keys synced", 2)));

        Assert.Equal("Healthy", status);
        Assert.Equal("2 keys synced", message);
    }

    [Fact]
    public void ReadyFalse_IsDegraded_WithReasonAndMessage()
    {
        var (status, message) = Health(Group(generation: 1, observed: 1, Ready("False", "SecretNotFound", "not found in 'x': API_KEY", 1)));

        Assert.Equal("Degraded", status);
        Assert.Equal("SecretNotFound: not found in 'x': API_KEY", message);
    }

    [Fact]
    public void NoStatusYet_IsProgressing()
    {
        var group = Group(generation: 1, observed: null);
        group.Status = null;

        Assert.Equal("Progressing", Health(group).Status);
    }

    [Fact]
    public void ObservedGenerationBehind_IsProgressing_EvenWhenTheOldConditionSaysReady()
    {
        Assert.Equal("Progressing", Health(Group(generation: 3, observed: 2, Ready("True", "Synced", "ok", 2))).Status);
        Assert.Equal("Progressing", Health(Group(generation: 3, observed: 3, Ready("True", "Synced", "ok", 2))).Status);
    }

    [Fact]
    public void ReadyUnknown_OrNoReadyCondition_IsProgressing()
    {
        Assert.Equal("Progressing", Health(Group(generation: 1, observed: 1, Ready("Unknown", "Syncing", "syncing", 1))).Status);
        Assert.Equal("Progressing", Health(Group(generation: 1, observed: 1, new V1Condition { Type = "Synced", Status = "True", Reason = "Synced" })).Status);
    }

    [Fact]
    public void Integration_FollowsTheSameRules()
    {
        var integration = new SecretStoreIntegration
        {
            ApiVersion = "secrets.tfy.dev/v1alpha1",
            Kind = "SecretStoreIntegration",
            Metadata = new V1ObjectMeta { Name = "aws-ssm", Generation = 4 },
            Spec = new SecretStoreIntegrationSpec { ProviderAccount = "p", Kubernetes = new KubernetesStoreSpec { SourceNamespace = "src" } },
            Status = new SecretStoreIntegrationStatus { ObservedGeneration = 4, Conditions = [Ready("False", "StoreAccessDenied", "access denied", 4)] },
        };

        Assert.Equal(("Degraded", "StoreAccessDenied: access denied"), Health(integration));
        integration.Status.Conditions = [Ready("True", "Validated", "connected", 4)];
        Assert.Equal("Healthy", Health(integration).Status);
    }

    [Fact]
    public void ArgoCdConfigMap_CarriesTheScriptVerbatim_ForBothKinds()
    {
        var cm = KubernetesYaml.Deserialize<V1ConfigMap>(File.ReadAllText(RepositoryRoot.File("deploy/argocd/argocd-cm-health.yaml")));

        Assert.Equal("argocd-cm", cm.Metadata.Name);
        Assert.Equal(Script(), cm.Data["resource.customizations.health.secrets.tfy.dev_SecretGroup"]);
        Assert.Equal(Script(), cm.Data["resource.customizations.health.secrets.tfy.dev_SecretStoreIntegration"]);
    }

    [Fact]
    public void Applications_SyncTheCrdsInAnEarlierWave_ThanTheOperatorChart()
    {
        var crds = YamlJson.Parse(File.ReadAllText(RepositoryRoot.File("deploy/argocd/crds-application.yaml")))!;
        var chart = YamlJson.Parse(File.ReadAllText(RepositoryRoot.File("deploy/argocd/operator-application.yaml")))!;

        static int Wave(JsonNode app) => int.Parse((string)app["metadata"]!["annotations"]!["argocd.argoproj.io/sync-wave"]!, CultureInfo.InvariantCulture);
        Assert.True(Wave(crds) < Wave(chart));
        Assert.Equal("config/crd", (string?)crds["spec"]!["source"]!["path"]);
        Assert.Equal(Chart.Folder, (string?)chart["spec"]!["source"]!["path"]);
        Assert.True((bool?)chart["spec"]!["source"]!["helm"]!["skipCrds"]);
        Assert.False((bool?)crds["spec"]!["syncPolicy"]!["automated"]!["prune"]);
        Assert.False(new Helm.HelmChart().Render(chart["spec"]!["source"]!["helm"]!["valuesObject"]!.AsObject().DeepClone().AsObject()).Refused);
    }

    private static SecretGroup Group(long generation, long? observed, params V1Condition[] conditions) => new()
    {
        ApiVersion = "secrets.tfy.dev/v1alpha1",
        Kind = "SecretGroup",
        Metadata = new V1ObjectMeta { Name = "openai-keys", NamespaceProperty = "team-a", Generation = generation },
        Spec = new SecretGroupSpec { IntegrationFqn = "acme:kubernetes:local:secret-store:k8s", Secrets = [new SecretKeySpec { Key = "API_KEY" }] },
        Status = new SecretGroupStatus { ObservedGeneration = observed, Conditions = [.. conditions] },
    };

    private static V1Condition Ready(string status, string reason, string message, long observedGeneration) => new()
    {
        Type = "Ready",
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = observedGeneration,
        LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    /// <summary>Runs the script with <c>obj</c> set to the object's JSON as a Lua table, as Argo CD does.</summary>
    private static (string Status, string Message) Health(object entity)
    {
        using var lua = new Lua();
        lua.DoString("obj = " + LuaJson.Literal(KubernetesJson.Serialize(entity)));
        var result = (LuaTable)lua.DoString("return (function()\n" + Script() + "\nend)()")[0];
        return ((string)result["status"], (string)result["message"]);
    }
}
