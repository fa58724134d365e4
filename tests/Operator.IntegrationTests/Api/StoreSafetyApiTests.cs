using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Every store write and delete through the API passes the rules a sync passes (one gate): the group owns its FQN, its
/// integration is Ready and lets the group's namespace in, and only the group's own default locations are touched.
/// </summary>
public sealed class StoreSafetyApiTests
{
    private const string Victim = "team-b";
    private const string AttackerNs = "team-c";

    [Fact]
    public async Task NamesakeAdmin_CannotOverwriteOrDelete_TheOwningTeamsValues()
    {
        await using var f = await ApiFixture.StartAsync();
        await f.H.CreateNamespaceAsync(AttackerNs);
        await f.H.SetSourceValuesAsync("payments", new Dictionary<string, string> { ["API_KEY"] = "victim-key", ["DB"] = "victim-db" });
        await f.H.CreateGroupAsync(Victim, "payments", ["API_KEY", "DB"]);
        await f.H.WaitForGroupAsync(Victim, "payments", "True");

        // Mallory may only manage SecretGroups in her own namespace, and names herself admin of a namesake there.
        var mallory = await NamespaceUserAsync(f, AttackerNs, "mallory");
        await new ResourceClient<SecretGroup>(mallory).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "payments", NamespaceProperty = AttackerNs },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = f.H.FqnOf(),
                Collaborators = [new Collaborator { RoleId = GroupRoles.Admin, Subject = "user:mallory" }],
                Secrets = [new SecretKeySpec { Key = "API_KEY" }, new SecretKeySpec { Key = "DB" }],
            },
        }, CancellationToken.None);
        await f.H.WaitForGroupAsync(AttackerNs, "payments", "False", "FqnConflict");
        await f.WriteApiKeyAsync("mallorys-own-key", "user:mallory");
        var token = ApiFixture.KeyPrefix + "mallorys-own-key";
        var (_, listed) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=acme:payments", token);
        Assert.Empty(listed!["data"]!.AsArray());
        var own = (await new ResourceClient<SecretGroup>(f.H.Client).GetAsync(new ObjectKey(AttackerNs, "payments"), CancellationToken.None))!;
        var version = await f.VersionAsync(own.Metadata.Uid, token);

        // Overwrite one key and leave the other out (which would delete it): both refused by the ownership rule.
        var answer = await f.SetAtAsync(own.Metadata.Uid, token, version, ("API_KEY", "mallory-was-here"));

        ApiFixture.AssertError(HttpStatusCode.Conflict, answer, "fqn_conflict", "team-b");
        Assert.Equal(new Dictionary<string, string> { ["API_KEY"] = "victim-key", ["DB"] = "victim-db" }, await f.StoreValuesAsync("payments"));
        Assert.Equal(["API_KEY", "DB"], (await f.H.GetGroupAsync(AttackerNs, "payments"))!.Spec.Secrets!.Select(s => s.Key));
        var managed = (await f.H.GetSecretAsync(Victim, "payments"))!.Data;
        Assert.Equal("victim-key"u8.ToArray(), managed["API_KEY"]);
        Assert.True(managed.ContainsKey("DB"));

        // The owner's group is deleted (a GitOps re-create, a rename): its claim on the FQN stays, the namesake inherits nothing.
        await f.H.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(global::Operator.Entities.V1Alpha1.Api.Group, global::Operator.Entities.V1Alpha1.Api.Version, Victim, "secretgroups", "payments");
        await OperatorHarness.WaitForAsync(async () => await f.H.GetGroupAsync(Victim, "payments") is null, "the owner's group gone");
        await OperatorHarness.WaitForAsync(
            () => Task.FromResult(f.H.Host!.Services.GetRequiredService<IResourceCache<SecretGroup>>().Get(new ObjectKey(Victim, "payments")) is null),
            "the operator's cache without the owner's group");
        ApiFixture.AssertError(HttpStatusCode.Conflict, await f.SetAtAsync(own.Metadata.Uid, token, await f.VersionAsync(own.Metadata.Uid, token), ("API_KEY", "mallory-again")), "fqn_conflict", "team-b");
        Assert.Equal(new Dictionary<string, string> { ["API_KEY"] = "victim-key", ["DB"] = "victim-db" }, await f.StoreValuesAsync("payments"));
    }

    [Fact]
    public async Task IntegrationThatExcludesTheNamespace_RefusesTheWrite()
    {
        await using var f = await ApiFixture.StartAsync();
        await f.H.CreateIntegrationAsync("elsewhere", i => i.Spec.Access = new IntegrationAccessSpec { Namespaces = ["team-b"] });
        var id = await CreateOnAsync(f, "walled", f.H.FqnOf("elsewhere"));
        await WaitForIntegrationReadyAsync(f, "elsewhere");

        var answer = await f.SetAsync(id, f.Bob, ("K", "value"));

        ApiFixture.AssertError(HttpStatusCode.Conflict, answer, "access_denied", "spec.access.namespaces");
        Assert.Empty(await f.StoreValuesAsync("walled"));
        Assert.Null((await f.H.GetGroupAsync(ApiFixture.Ns, "walled"))!.Spec.Secrets);
    }

    [Fact]
    public async Task IntegrationThatIsNotReady_RefusesTheWrite()
    {
        await using var f = await ApiFixture.StartAsync();

        // Its source namespace does not exist, so its check fails and it is never Ready.
        await f.H.CreateIntegrationAsync("broken", sourceNamespace: "no-such-namespace");
        var id = await CreateOnAsync(f, "stranded", f.H.FqnOf("broken"));

        var answer = await f.SetAsync(id, f.Bob, ("K", "value"));

        ApiFixture.AssertError(HttpStatusCode.Conflict, answer, "integration_not_ready", "broken");
        Assert.Empty(await f.StoreValuesAsync("stranded"));
    }

    [Fact]
    public async Task KeysThatReadElsewhere_AreNeverWrittenOrDeleted_EvenUnderDeletionPolicyDelete()
    {
        await using var f = await ApiFixture.StartAsync();
        await f.H.UpdateAsync<SecretStoreIntegration>(new ObjectKey(null, "k8s-store"), i =>
        {
            i.Spec.DeletionPolicy = DeletionPolicies.Delete;
            i.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
        });
        await WaitForIntegrationReadyAsync(f, "k8s-store");
        await f.H.SetSourceValuesAsync("shared", new Dictionary<string, string> { ["TOKEN"] = "shared-token" });
        var id = await f.CreateAsync("reader");
        await f.H.UpdateAsync<SecretGroup>(new ObjectKey(ApiFixture.Ns, "reader"), g => g.Spec.Secrets = [new SecretKeySpec { Key = "TOKEN", RemoteRef = $"{f.H.Tenant}.shared/TOKEN" }]);
        await f.WaitForManagedAsync("reader", new() { ["TOKEN"] = "shared-token" });

        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SetAsync(id, f.Bob, ("TOKEN", "overwritten")), "validation_failed", "remoteRef");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), ("OWN", "own-value"))).Status);

        Assert.Equal("shared-token", (await f.StoreValuesAsync("shared"))["TOKEN"]);
        Assert.Equal(["OWN"], (await f.H.GetGroupAsync(ApiFixture.Ns, "reader"))!.Spec.Secrets!.Select(s => s.Key));
    }

    /// <summary>A ServiceAccount with a Role that manages SecretGroups in <paramref name="ns"/> only, as its Kubernetes client.</summary>
    private static async Task<IKubernetes> NamespaceUserAsync(ApiFixture f, string ns, string name)
    {
        var admin = f.H.Client;
        await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "group-author" },
            Rules = [new V1PolicyRule { ApiGroups = [global::Operator.Entities.V1Alpha1.Api.Group], Resources = ["secretgroups"], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] }],
        }, ns);
        await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = $"group-author-{name}" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "group-author" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
        }, ns);
        return f.H.Emulator.CreateClient(await ApiCallers.TokenAsync(admin, ns, name, audience: null));
    }

    private static async Task<string> CreateOnAsync(ApiFixture f, string name, string integrationFqn)
    {
        var (status, body) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, ApiFixture.Manifest(name, integrationFqn));
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body!["id"]!;
    }

    /// <summary>Until the operator's own cache (what the API decides on) has the integration Ready.</summary>
    internal static Task WaitForIntegrationReadyAsync(ApiFixture f, string name) => OperatorHarness.WaitForAsync(
        () => Task.FromResult(f.H.Host!.Services.GetRequiredService<IResourceCache<SecretStoreIntegration>>().Get(new ObjectKey(null, name)) is { } i
            && i.Status?.ObservedGeneration == i.Metadata.Generation
            && i.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
        $"integration {name} Ready in the operator's cache");
}
