using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores.Hashicorp;

/// <summary>
/// Vault Kubernetes auth end to end: the operator, running as the shipped ServiceAccount under the shipped RBAC, asks
/// the API emulator for a token of audience <c>vault</c> (TokenRequest) and logs in to the Vault fake, which reviews
/// the token with the emulator's TokenReview, as Vault's Kubernetes auth method does.
/// </summary>
public sealed class VaultKubernetesAuthSyncTests
{
    private const string Ns = "team-v";
    private const string Integration = "vault";
    private const string Group = "app";
    private const string Entry = "tfy-secret/acme/app";
    private static readonly string Fqn = $"{OperatorHarness.DefaultTenant}:hashicorp:local:secret-store:{Integration}";

    private sealed record Setup(OperatorHarness Harness, VaultFake Vault) : IAsyncDisposable
    {
        /// <summary>TokenRequests for the operator's ServiceAccount made by the operator (the harness made one first, for the operator's own token).</summary>
        public int TokenRequests => Harness.Emulator.Requests.Count(r =>
            r.Method == "POST" && r.Path == $"/api/v1/namespaces/{ShippedRbac.Namespace}/serviceaccounts/{ShippedRbac.ServiceAccount}/token") - HarnessTokenRequests;

        public int HarnessTokenRequests { get; init; }

        /// <summary>Logs, the integration, the group and every Event, as one text to search for credentials.</summary>
        public async Task<string> ObservedAsync()
        {
            var h = Harness;
            var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
            return string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(ssi) + KubernetesJson.Serialize(await h.GetGroupAsync(Ns, Group))
                + KubernetesJson.Serialize(await h.Client.EventsV1.ListEventForAllNamespacesAsync()) + KubernetesJson.Serialize(await h.Client.CoreV1.ListEventForAllNamespacesAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            await Vault.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(string? audience, string refreshInterval = "1h", TimeSpan? loginTtl = null)
    {
        var h = await OperatorHarness.StartAsync();
        var harnessTokenRequests = h.Emulator.Requests.Count(r => r.Path.EndsWith("/token", StringComparison.Ordinal));
        var vault = await VaultFake.StartAsync(h.Time);
        vault.LoginTokenTtl = vault.LoginTokenMaxTtl = loginTtl ?? vault.LoginTokenTtl; // a max TTL equal to the TTL: every token ends in a re-login
        vault.Seed(Entry, "API_KEY", "v1");
        // Vault's own reviewer credential (token_reviewer_jwt; system:auth-delegator in a real cluster).
        vault.ConfigureKubernetes(new VaultKubernetesRole("secretgroup", h.Emulator.BaseAddress, h.Emulator.AdminToken, ShippedRbac.ServiceAccount, ShippedRbac.Namespace, "vault"));
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync(Integration, ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Hashicorp = new HashicorpStoreSpec
            {
                Url = vault.BaseAddress.ToString(),
                RootPath = "tfy-secret",
                Auth = new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "secretgroup", Audience = audience } },
            };
        });
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.RefreshInterval = refreshInterval;
        });
        return new Setup(h, vault) { HarnessTokenRequests = harnessTokenRequests };
    }

    private static IReadOnlyList<string> Audiences(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var claims = JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')))!;
        return claims["aud"] is JsonArray many ? [.. many.Select(a => (string)a!)] : [(string)claims["aud"]!];
    }

    [Fact]
    public async Task DefaultAudience_OperatorLogsInWithAVaultAudienceTokenOfItsServiceAccount_RenewedBeforeExpiry()
    {
        await using var s = await StartAsync(audience: null, refreshInterval: "2m", loginTtl: TimeSpan.FromMinutes(3));
        var (h, vault) = (s.Harness, s.Vault);

        var group = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");
        Assert.Equal("v1", Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, Group))!.Data["API_KEY"]));

        // 25 minutes of syncs: the 10-minute token is requested again after 8 (80%), before it expires.
        for (var i = 0; i < 10; i++)
        {
            var last = group.Status!.LastSyncTime;
            await h.AdvanceAsync(TimeSpan.FromMinutes(2.5)); // past the refresh interval and its jitter
            group = await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > last);
        }

        var logins = vault.Requests.Where(r => r.Operation == "login.kubernetes").ToList();
        Assert.True(logins.Count > 2, $"{logins.Count} logins");
        Assert.All(logins, l => Assert.Equal(200, l.StatusCode));
        Assert.All(vault.PresentedJwts, jwt => Assert.Equal(["vault"], Audiences(jwt)));
        var distinct = vault.PresentedJwts.Distinct().Count();
        Assert.InRange(distinct, 2, logins.Count - 1); // cached across logins, replaced as it ages
        Assert.Equal(distinct, s.TokenRequests);

        var observed = await s.ObservedAsync();
        Assert.All(vault.PresentedJwts, jwt => Assert.DoesNotContain(jwt, observed, StringComparison.Ordinal));
        Assert.All(vault.LoginTokens, token => Assert.DoesNotContain(token, observed, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongAudience_IntegrationNotReady_WithAConditionNamingTheField_AndNoCredentialAnywhere()
    {
        await using var s = await StartAsync(audience: "vault-staging");
        var (h, vault) = (s.Harness, s.Vault);

        var group = await h.WaitForGroupAsync(Ns, Group, "False");
        SecretStoreIntegration? ssi = null;
        await OperatorHarness.WaitForAsync(
            async () => (ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None))
                ?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "False",
            "integration Ready=False");

        var ready = ssi!.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("StoreAuthenticationFailed", ready.Reason);
        Assert.Contains("spec.hashicorp.auth.kubernetes.audience ('vault-staging')", ready.Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync(Ns, Group));
        Assert.NotEmpty(vault.PresentedJwts);
        Assert.All(vault.PresentedJwts, jwt => Assert.Equal(["vault-staging"], Audiences(jwt)));

        var observed = await s.ObservedAsync();
        Assert.All(vault.PresentedJwts, jwt => Assert.DoesNotContain(jwt, observed, StringComparison.Ordinal));
    }
}
