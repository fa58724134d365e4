using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// REST API callers as a cluster has them: ServiceAccounts whose tokens were requested for the API's audience
/// (<c>kubectl create token SA --audience secretgroup-api</c>), named in --tenant-admins by their group.
/// </summary>
internal static class ApiCallers
{
    public const string Audience = "secretgroup-api";

    /// <summary>The collaborator subject of every ServiceAccount of a namespace (the API server's group for them).</summary>
    public static string Team(string ns) => $"team:system:serviceaccounts:{ns}";

    /// <summary>A token of ServiceAccount <paramref name="ns"/>/<paramref name="name"/> (created when missing) for <paramref name="audience"/> (null: the API server's own).</summary>
    public static async Task<string> TokenAsync(IKubernetes admin, string ns, string name, string? audience = Audience)
    {
        await IgnoreExistingAsync(() => admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }));
        await IgnoreExistingAsync(() => admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } }, ns));

        // A year on the tests' fake clock, so advancing it never expires a caller.
        var spec = new V1TokenRequestSpec { ExpirationSeconds = 365L * 24 * 3600, Audiences = audience is null ? null : [audience] };
        var request = await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = spec }, name, ns);
        return request.Status.Token;
    }

    private static async Task IgnoreExistingAsync(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }
}
