using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// The attack suite's actors: users with only the rights a namespace user has (SecretGroups of their namespace, no
/// Secrets, no status subresource), acting through the API as that user, as <c>kubectl --as</c> would.
/// </summary>
internal static class Attackers
{
    /// <summary>Operator settings every attack starts from.</summary>
    public static async Task<OperatorHarness> StartAsync(Action<OperatorHarness>? before = null)
    {
        var h = await OperatorHarness.StartAsync(startOperator: false);
        before?.Invoke(h);
        await h.StartOperatorAsync();
        await h.CreateNamespaceAsync("team-a");
        await h.CreateNamespaceAsync("team-b");
        await h.CreateIntegrationAsync();
        return h;
    }

    /// <summary>
    /// A client acting as <paramref name="user"/> who may create, edit and delete SecretGroups in <paramref name="ns"/>
    /// (a Role and RoleBinding the test's admin writes), and nothing else.
    /// </summary>
    public static async Task<IKubernetes> NamespaceUserAsync(OperatorHarness h, string user, string ns)
    {
        ArgumentNullException.ThrowIfNull(h);
        var name = $"{user}-secretgroups";
        await h.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Rules = [new V1PolicyRule { ApiGroups = [Operator.Entities.V1Alpha1.Api.Group], Resources = ["secretgroups"], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] }],
        }, ns);
        await h.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = user, ApiGroup = "rbac.authorization.k8s.io" }],
        }, ns);
        return h.Emulator.CreateClientAs(user);
    }

    /// <summary>A user with no rights of their own (a collaborator gets what the operator grants).</summary>
    public static IKubernetes Nobody(OperatorHarness h, string user)
    {
        ArgumentNullException.ThrowIfNull(h);
        return h.Emulator.CreateClientAs(user);
    }

    /// <summary>The HTTP status <paramref name="client"/> gets reading Secret <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public static async Task<HttpStatusCode> ReadSecretAsync(IKubernetes client, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.CoreV1.ReadNamespacedSecretAsync(name, ns);
            return HttpStatusCode.OK;
        }
        catch (HttpOperationException e)
        {
            return e.Response.StatusCode;
        }
    }

    /// <summary>Read-modify-write of a SecretGroup as <paramref name="client"/>; the HTTP status of the write.</summary>
    public static async Task<HttpStatusCode> UpdateGroupAsync(IKubernetes client, string ns, string name, Action<SecretGroup> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var api = new ResourceClient<SecretGroup>(client);
        try
        {
            var group = await api.GetAsync(new ObjectKey(ns, name), CancellationToken.None) ?? throw new InvalidOperationException($"{ns}/{name} not found");
            change(group);
            await api.ReplaceAsync(group, CancellationToken.None);
            return HttpStatusCode.OK;
        }
        catch (HttpOperationException e)
        {
            return e.Response.StatusCode;
        }
    }

    /// <summary>
    /// Creates, as <paramref name="client"/>, group <paramref name="name"/> with one key whose target is Secret
    /// <paramref name="target"/> and whose collaborator <paramref name="subject"/> holds <paramref name="roleId"/>.
    /// </summary>
    public static Task<SecretGroup> CreateGroupTargetingAsync(OperatorHarness h, IKubernetes client, string ns, string name, string target, string roleId, string subject)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new ResourceClient<SecretGroup>(client).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = h.FqnOf(),
                Secrets = [new SecretKeySpec { Key = "K" }],
                Target = new SecretTargetSpec { Name = target },
                Collaborators = [new Collaborator { RoleId = roleId, Subject = subject }],
            },
        }, CancellationToken.None);
    }

    /// <summary>A Secret the victim keeps in its namespace, written by an admin (not by the operator).</summary>
    public static Task<V1Secret> CreateVictimSecretAsync(OperatorHarness h, string ns, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(h);
        return h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = new Dictionary<string, byte[]> { ["password"] = System.Text.Encoding.UTF8.GetBytes(value) },
        }, ns);
    }

    /// <summary>Asserts the victim's Secret still holds exactly what the admin wrote and nothing took it over.</summary>
    public static async Task AssertIntactAsync(OperatorHarness h, V1Secret before)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(before);
        var now = await h.GetSecretAsync(before.Metadata.NamespaceProperty, before.Metadata.Name);
        Assert.NotNull(now);
        Assert.Equal(before.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
        Assert.Null(now.Metadata.OwnerReferences);
    }
}
