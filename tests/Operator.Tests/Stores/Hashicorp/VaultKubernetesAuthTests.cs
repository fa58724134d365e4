using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Hashicorp;
using Operator.Testing.Kube;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>
/// Vault Kubernetes auth through the real path: the operator's ServiceAccount token is requested from the API emulator
/// (TokenRequest) with the role's audience, and the Vault fake reviews it with the emulator's TokenReview.
/// </summary>
public sealed class VaultKubernetesAuthTests
{
    private const string Ns = "ops";
    private const string Sa = "operator";
    private const string Entry = "tfy-secret/acme/app";
    private static readonly GroupFqn App = new("acme", "app");

    private sealed record Cluster(KubeApiEmulator Emulator, IKubernetes Admin, IKubernetes Operator, FakeTimeProvider Time) : IAsyncDisposable
    {
        public int TokenRequests => Emulator.Requests.Count(r => r.Method == "POST" && r.Path == $"/api/v1/namespaces/{Ns}/serviceaccounts/{Sa}/token");

        public VaultKubernetesRole Role(string? audience = "vault") => new("operator", Emulator.BaseAddress, Emulator.AdminToken, Sa, Ns, audience);

        public async Task<JsonNode?> ReviewAsync(string jwt, params string[] audiences)
        {
            var review = await Admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = jwt, Audiences = audiences } });
            return JsonNode.Parse(KubernetesJson.Serialize(review.Status));
        }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            Operator.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    private static async Task<Cluster> ClusterAsync(FakeTimeProvider time)
    {
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { TimeProvider = time });
        var admin = emulator.CreateClient();
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = Sa } }, Ns);
        var own = await TokenAsync(admin, audience: null, seconds: 365L * 24 * 3600); // what the kubelet mounts: API-server audience
        return new Cluster(emulator, admin, emulator.CreateClient(own), time);
    }

    private static async Task<string> TokenAsync(IKubernetes admin, string? audience, long seconds = 3600) =>
        (await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = audience is null ? null : [audience], ExpirationSeconds = seconds } }, Sa, Ns)).Status.Token;

    private static IReadOnlyList<string> Audiences(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var claims = JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')))!;
        return claims["aud"] is JsonArray many ? [.. many.Select(a => (string)a!)] : [(string)claims["aud"]!];
    }

    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static ISecretStore Store(VaultFake fake, Cluster cluster, string? audience = null, string? tokenPath = null) =>
        VaultStores.Create(
            VaultStores.Spec(fake, new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "operator", Audience = audience, ServiceAccountTokenPath = tokenPath } }),
            new Dictionary<string, string>(),
            cluster.Time,
            new VaultServiceAccountTokens(cluster.Operator, cluster.Time));

    [Fact]
    public async Task RequestedToken_HasTheAudience_IsCached_AndIsReplacedAt80PercentOfItsLifetime_BeforeItExpires()
    {
        await using var cluster = await ClusterAsync(NewTime());
        using var tokens = new VaultServiceAccountTokens(cluster.Operator, cluster.Time);
        var before = cluster.TokenRequests;

        var first = await tokens.GetAsync("vault", CancellationToken.None);
        Assert.Equal(["vault"], Audiences(first));
        Assert.True((bool)(await cluster.ReviewAsync(first, "vault"))!["authenticated"]!);
        Assert.False((bool)(await cluster.ReviewAsync(first))!["authenticated"]!); // not replayable to the API server

        // 80% of the 600 s asked for is 480 s: until then the cached token is handed out.
        cluster.Time.Advance(TimeSpan.FromSeconds(479));
        Assert.Equal(first, await tokens.GetAsync("vault", CancellationToken.None));
        Assert.Equal(before + 1, cluster.TokenRequests);

        cluster.Time.Advance(TimeSpan.FromSeconds(2));
        var second = await tokens.GetAsync("vault", CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Equal(before + 2, cluster.TokenRequests);
        Assert.True((bool)(await cluster.ReviewAsync(first, "vault"))!["authenticated"]!); // replaced while still valid

        var other = await tokens.GetAsync("vault-eu", CancellationToken.None);
        Assert.Equal(["vault-eu"], Audiences(other));
        Assert.Equal(before + 3, cluster.TokenRequests);
    }

    [Fact]
    public async Task KubernetesLogin_PresentsAVaultAudienceToken_AndKeepsLoggingInAcrossTokenRenewals()
    {
        await using var cluster = await ClusterAsync(NewTime());
        await using var fake = await VaultFake.StartAsync(cluster.Time);
        fake.LoginTokenTtl = TimeSpan.FromMinutes(5);
        fake.LoginTokenMaxTtl = TimeSpan.FromMinutes(5); // every login token ends within 5 minutes: many logins
        fake.ConfigureKubernetes(cluster.Role());
        fake.Seed(Entry, "K", "v");
        await using var store = Store(fake, cluster);

        for (var step = 0; step < 120; step++) // 40 minutes, a read every 20 s
        {
            Assert.Equal("v", (await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None))!.Text());
            cluster.Time.Advance(TimeSpan.FromSeconds(20));
        }

        var logins = fake.Requests.Where(r => r.Operation == "login.kubernetes").ToList();
        Assert.True(logins.Count >= 40 / 5, $"{logins.Count} logins");
        Assert.All(logins, l => Assert.Equal(200, l.StatusCode)); // no login presented an expired or wrong token
        Assert.All(fake.PresentedJwts, jwt => Assert.Equal(["vault"], Audiences(jwt)));
        var distinct = fake.PresentedJwts.Distinct().Count();
        Assert.True(distinct < logins.Count, $"{distinct} tokens for {logins.Count} logins: not cached");
        Assert.Equal(cluster.TokenRequests - 1, distinct); // minus the set-up's own token
        Assert.Equal(logins.Count - 1, fake.RevokedTokens.Count); // each re-login revoked the token it replaced
    }

    [Fact]
    public async Task WrongAudience_IsAuthenticationFailed_NamingTheAudienceField_WithoutTheToken()
    {
        await using var cluster = await ClusterAsync(NewTime());
        await using var fake = await VaultFake.StartAsync(cluster.Time);
        fake.ConfigureKubernetes(cluster.Role("vault"));
        await using var store = Store(fake, cluster, audience: "vault-staging");

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains("spec.hashicorp.auth.kubernetes.audience ('vault-staging')", e.Message, StringComparison.Ordinal);
        var jwt = Assert.Single(fake.PresentedJwts);
        Assert.DoesNotContain(jwt, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(403, Assert.Single(fake.Requests, r => r.Operation == "login.kubernetes").StatusCode);
    }

    [Fact]
    public async Task AnAudienceTheApiServerAccepts_IsRefused_AndNoTokenReachesVault()
    {
        // Attacker: may create integrations, not read Secrets. An audience the API server accepts plus an address they
        // answer at would hand them the operator's own API credential. It is never requested for Vault, never sent.
        await using var cluster = await ClusterAsync(NewTime());
        await using var fake = await VaultFake.StartAsync(cluster.Time);
        var apiAudience = Audiences(await TokenAsync(cluster.Admin, audience: null))[0];
        fake.ConfigureKubernetes(cluster.Role(apiAudience));
        fake.Seed(Entry, "K", "v");
        await using var store = Store(fake, cluster, audience: apiAudience);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.Misconfigured, e.Kind);
        Assert.Contains($"{VaultCredentials.AudienceField} ('{apiAudience}')", e.Message, StringComparison.Ordinal);
        Assert.Contains("Kubernetes API server accepts", e.Message, StringComparison.Ordinal);
        Assert.Empty(fake.PresentedJwts);
        Assert.DoesNotContain(fake.Requests, r => r.Operation == "login.kubernetes");
    }

    [Fact]
    public async Task TokenFile_OfTheApiServerAudience_IsRefused_NeverSent_WhileAVaultAudienceFileLogsIn()
    {
        await using var cluster = await ClusterAsync(NewTime());
        await using var fake = await VaultFake.StartAsync(cluster.Time);
        fake.ConfigureKubernetes(cluster.Role());
        fake.Seed(Entry, "K", "v");
        var file = Path.GetTempFileName();
        try
        {
            // The default mounted token: its audience is the API server, so whoever receives it can replay it there.
            var apiToken = await TokenAsync(cluster.Admin, audience: null);
            await File.WriteAllTextAsync(file, apiToken + "\n");
            await using (var store = Store(fake, cluster, tokenPath: file))
            {
                var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None));
                Assert.Equal(StoreErrorKind.Misconfigured, e.Kind);
                Assert.Contains("serviceAccountTokenPath", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(apiToken, e.ToString(), StringComparison.Ordinal);
            }

            Assert.Empty(fake.PresentedJwts);
            await File.WriteAllTextAsync(file, await TokenAsync(cluster.Admin, "vault") + "\n");
            await using (var store = Store(fake, cluster, tokenPath: file))
            {
                Assert.Equal("v", (await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None))!.Text());
            }

            Assert.Equal([200], fake.Requests.Where(r => r.Operation == "login.kubernetes").Select(r => r.StatusCode));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
