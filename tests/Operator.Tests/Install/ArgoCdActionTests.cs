using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using NLua;
using Operator.Manifests;
using Operator.Testing;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>
/// The Argo CD "refresh" action and the CRDs' protection, with the real Lua (NLua is Lua 5.4; Argo CD runs gopher-lua
/// 5.1, and the scripts use nothing that differs between them).
/// </summary>
public sealed class ArgoCdActionTests
{
    private static string File(string name) => System.IO.File.ReadAllText(RepositoryRoot.File($"deploy/argocd/{name}")).ReplaceLineEndings("\n");

    /// <summary>Runs a script with <c>obj</c> set; <paramref name="read"/> reads its result while the interpreter lives.</summary>
    private static T Run<T>(string script, string objectJson, Func<LuaTable, T> read)
    {
        using var lua = new Lua();
        lua.DoString("obj = " + LuaJson.Literal(objectJson));
        return read((LuaTable)lua.DoString("return (function()\n" + script + "\nend)()")[0]);
    }

    private static Dictionary<string, string> Annotations(LuaTable result)
    {
        var annotations = (LuaTable)((LuaTable)result["metadata"])["annotations"];
        return annotations.Keys.Cast<object>().ToDictionary(k => (string)k, k => (string)annotations[k]);
    }

    [Fact]
    public void Refresh_SetsForceSyncToANewValue_KeepingOtherAnnotations()
    {
        var group = """{"apiVersion":"secrets.tfy.dev/v1alpha1","kind":"SecretGroup","metadata":{"name":"g","namespace":"a","annotations":{"keep":"me","secrets.tfy.dev/force-sync":"2020-01-01T00:00:00Z"}},"spec":{}}""";

        var annotations = Run(File("refresh-action.lua"), group, Annotations);

        Assert.Equal("me", annotations["keep"]);
        var stamp = DateTime.Parse((string)annotations["secrets.tfy.dev/force-sync"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.True(stamp > new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(Math.Abs((DateTime.UtcNow - stamp).TotalMinutes) < 5, $"the stamp {stamp:o} is the current time");
    }

    [Fact]
    public void Refresh_WorksOnAGroupWithoutAnnotations()
    {
        var annotations = Run(File("refresh-action.lua"), """{"metadata":{"name":"g","namespace":"a"},"spec":{}}""", Annotations);

        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", annotations["secrets.tfy.dev/force-sync"]);
    }

    [Fact]
    public void Discovery_OffersRefresh_ExceptOnAGroupBeingDeleted()
    {
        static bool Disabled(LuaTable actions) => (bool)((LuaTable)actions["refresh"])["disabled"];
        var live = Run(File("actions-discovery.lua"), """{"metadata":{"name":"g"}}""", Disabled);
        var deleting = Run(File("actions-discovery.lua"), """{"metadata":{"name":"g","deletionTimestamp":"2026-01-01T00:00:00Z"}}""", Disabled);

        Assert.False(live);
        Assert.True(deleting);
    }

    [Fact]
    public void ArgoCdConfigMap_CarriesTheActionScriptsVerbatim()
    {
        var cm = KubernetesYaml.Deserialize<V1ConfigMap>(File("argocd-cm-health.yaml"));
        var actions = YamlJson.Parse(cm.Data["resource.customizations.actions.secrets.tfy.dev_SecretGroup"])!;

        Assert.Equal(File("actions-discovery.lua"), (string?)actions["discovery.lua"]);
        var refresh = Assert.Single(actions["definitions"]!.AsArray());
        Assert.Equal(("refresh", File("refresh-action.lua")), ((string?)refresh!["name"], (string?)refresh["action.lua"]));
    }

    [Fact]
    public void CrdsApplication_CannotDeleteTheCrds()
    {
        var app = YamlJson.Parse(File("crds-application.yaml"))!;

        Assert.Null(app["metadata"]!["finalizers"]);
        Assert.Contains("Prune=false", app["spec"]!["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => (string?)o));
        Assert.All(CrdGenerator.GenerateAll(), crd => Assert.Equal(InstallLayout.ArgoKeepCrd, crd.Metadata.Annotations[InstallLayout.ArgoSyncOptionsAnnotation]));
        Assert.All(ConfigManifests.Load("config/crd").OfType<V1CustomResourceDefinition>(), crd => Assert.Equal("Prune=false,Delete=false", crd.Metadata.Annotations["argocd.argoproj.io/sync-options"]));
    }
}
