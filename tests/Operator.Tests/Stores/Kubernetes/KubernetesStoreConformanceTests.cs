using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Kubernetes;
using Operator.Testing.Kube;

namespace Operator.Tests.Stores;

/// <summary>The built-in store against the Kubernetes API emulator.</summary>
public sealed class KubernetesStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => await Fixture.CreateAsync();

    private sealed class Fixture : IStoreFixture
    {
        private const string Source = "store-src";
        private readonly KubeApiEmulator emulator;
        private readonly IKubernetes client;

        private Fixture(KubeApiEmulator emulator)
        {
            this.emulator = emulator;
            client = emulator.CreateClient();
            Store = new KubernetesStore(client, Source, new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)));
        }

        public static async Task<Fixture> CreateAsync()
        {
            var f = new Fixture(await KubeApiEmulator.StartAsync());
            await f.client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Source } });
            return f;
        }

        public ISecretStore Store { get; }

        public GroupFqn Group { get; } = new("acme", "conformance");

        public string InvalidPath => "Not A Secret Name/key";

        public string CredentialCanary => "bad-token-canary";

        public int ReadCalls => emulator.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{Source}/secrets", StringComparison.Ordinal));

        public int ExpectedReadCalls(int keys) => 1; // one Secret per group

        public bool KeepsHistory => false; // a Secret has only its current data

        public async Task SeedAsync(string path, string value)
        {
            var (name, key) = KubernetesStore.Split(path);
            try
            {
                var s = await client.CoreV1.ReadNamespacedSecretAsync(name, Source);
                s.Data ??= new Dictionary<string, byte[]>();
                s.Data[key] = Encoding.UTF8.GetBytes(value);
                await client.CoreV1.ReplaceNamespacedSecretAsync(s, name, Source);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await client.CoreV1.CreateNamespacedSecretAsync(
                    new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) } }, Source);
            }
        }

        public void ThrottleNext(int calls) => emulator.Faults.FailNext(calls, 429, r => r.Path.StartsWith($"/api/v1/namespaces/{Source}/secrets", StringComparison.Ordinal));

        // An unknown bearer token: the emulator answers 401, as an API server does.
        public Task<ISecretStore> CreateWithBadCredentialsAsync()
        {
            var config = emulator.CreateClientConfiguration(CredentialCanary);
            return Task.FromResult<ISecretStore>(new KubernetesStore(new Kubernetes(config), Source, new StoreRetry(TimeProvider.System)));
        }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            client.Dispose();
            await emulator.DisposeAsync();
        }
    }
}
