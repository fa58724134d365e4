using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Testing;

/// <summary>
/// The operator's RBAC as shipped: the files config/rbac/kustomization.yaml lists (ServiceAccount, ClusterRole,
/// bindings, leader-election Role) applied as the admin, and a token of that ServiceAccount for the operator to run
/// with. Read from the checkout, never copied, so a verb missing there fails the test that needs it.
/// </summary>
public static class ShippedRbac
{
    /// <summary>The namespace config/rbac installs into (config/default's namespace).</summary>
    public const string Namespace = "secretgroup-system";

    public const string ServiceAccount = "secretgroup-operator";

    /// <summary>The user name the operator's requests carry.</summary>
    public static string User => KubeUser.ServiceAccountName(Namespace, ServiceAccount);

    /// <summary>
    /// What a kubelet-projected token lasts: it asks for 3607 s and the API server extends pod-bound tokens to a year
    /// (--service-account-extend-token-expiration). In-process there is no kubelet to rotate the token, so ask for the year.
    /// </summary>
    private const long TokenSeconds = 365L * 24 * 3600;

    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
    };

    /// <summary>Applies config/rbac with <paramref name="admin"/> and returns a token of the operator's ServiceAccount.</summary>
    public static async Task<string> InstallAsync(IKubernetes admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        await IgnoreConflictAsync(() => admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var obj in await LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            Func<Task> create = obj switch
            {
                V1ServiceAccount sa => () => admin.CoreV1.CreateNamespacedServiceAccountAsync(sa, sa.Metadata.NamespaceProperty ?? Namespace, cancellationToken: cancellationToken),
                V1ClusterRole role => () => admin.RbacAuthorizationV1.CreateClusterRoleAsync(role, cancellationToken: cancellationToken),
                V1ClusterRoleBinding binding => () => admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(binding, cancellationToken: cancellationToken),
                V1Role role => () => admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, role.Metadata.NamespaceProperty ?? Namespace, cancellationToken: cancellationToken),
                V1RoleBinding binding => () => admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, binding.Metadata.NamespaceProperty ?? Namespace, cancellationToken: cancellationToken),
                _ => throw new InvalidOperationException($"config/rbac holds an object this installer does not know: {obj.GetType().Name}"),
            };
            await IgnoreConflictAsync(create).ConfigureAwait(false);
        }

        var request = await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = TokenSeconds } }, ServiceAccount, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        return request.Status.Token;
    }

    /// <summary>
    /// The operator's requests <paramref name="emulator"/> answered 403, as "METHOD path?query: message": each is a verb
    /// config/rbac lacks. Left out: a binding refused because its Role is gone (the garbage collector removed a Role the
    /// operator made from a stale cache for a group already deleted): a race the operator retries, not a missing verb.
    /// </summary>
    public static List<string> ForbiddenRequests(KubeApiEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return emulator.Requests
            .Where(r => r.StatusCode == 403 && r.User == User && !RoleGone(r.Message))
            .Select(r => $"{r.Method} {r.Path}{r.Query}: {r.Message}").Distinct().ToList();
    }

    private static bool RoleGone(string message) =>
        message.StartsWith("rolebindings.rbac.authorization.k8s.io ", StringComparison.Ordinal)
        && message.Contains(" is forbidden: role.rbac.authorization.k8s.io \"", StringComparison.Ordinal)
        && message.EndsWith("\" not found", StringComparison.Ordinal);

    /// <summary>The objects of the files config/rbac/kustomization.yaml lists, in its order.</summary>
    public static async Task<List<object>> LoadAsync(CancellationToken cancellationToken)
    {
        var directory = RepositoryFiles.Path("config/rbac");
        var kustomization = await File.ReadAllLinesAsync(Path.Combine(directory, "kustomization.yaml"), cancellationToken).ConfigureAwait(false);
        var objects = new List<object>();
        foreach (var file in kustomization.Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..].Trim()))
        {
            objects.AddRange(KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(Path.Combine(directory, file), cancellationToken).ConfigureAwait(false), Kinds));
        }

        return objects;
    }

    private static async Task IgnoreConflictAsync(Func<Task> create)
    {
        try
        {
            await create().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // already there: installing twice is fine
        }
    }
}
