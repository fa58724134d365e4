using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// The API fixture with a second integration on an external store's fake, Ready; and what that store itself says
/// about the version of group <see cref="Group"/>'s key K. Each store's folder declares its own (Stores/&lt;Provider&gt;).
/// </summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    public const string Group = "versioned";

    private readonly IAsyncDisposable fake;

    private StoreUnderTest(ApiFixture fixture, IAsyncDisposable fake, string fqn, Func<string> current, string missing)
    {
        Fixture = fixture;
        this.fake = fake;
        Fqn = fqn;
        CurrentVersion = current;
        MissingVersion = missing;
    }

    public ApiFixture Fixture { get; }

    /// <summary>The integration's FQN, as a manifest names it.</summary>
    public string Fqn { get; }

    /// <summary>K's current version as the store itself names it (read from the fake, not through the operator).</summary>
    public Func<string> CurrentVersion { get; }

    /// <summary>A well-formed version the store does not have.</summary>
    public string MissingVersion { get; }

    /// <summary>
    /// Starts the fixture (see <see cref="ApiFixture.StartAsync"/> for <paramref name="services"/> and
    /// <paramref name="realClock"/>), lets <paramref name="mount"/> write the store's credentials, declares the
    /// integration <paramref name="fqn"/> names (its provider account and name) with <paramref name="declare"/>'s block,
    /// and waits until it is Ready. Owns <paramref name="fake"/> from here on.
    /// </summary>
    public static async Task<StoreUnderTest> StartAsync(
        IAsyncDisposable fake,
        string fqn,
        Action<SecretStoreIntegrationSpec> declare,
        Action<OperatorHarness> mount,
        Func<string> currentVersion,
        string missingVersion,
        Action<IServiceCollection>? services = null,
        bool realClock = false)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var parts = fqn.Split(':');
        var f = await ApiFixture.StartAsync(configureServices: services, realClock: realClock);
        var store = new StoreUnderTest(f, fake, fqn, currentVersion, missingVersion);
        try
        {
            mount(f.H);
            await f.H.CreateIntegrationAsync(parts[4], ssi =>
            {
                ssi.Spec = new SecretStoreIntegrationSpec { ProviderAccount = parts[2] };
                declare(ssi.Spec);
            });
            await f.H.WaitForIntegrationAsync(parts[4]);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Fixture.DisposeAsync();
        await fake.DisposeAsync();
    }
}
