using Operator.IntegrationTests.Stores;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) reaching the cluster through a kubeconfig whose user is an
/// exec credential plugin (how the operator runs outside the cluster against EKS or GKE): the plugin runs, its
/// ExecCredential JSON is read, and every request carries its token (the shipped RBAC refuses nothing, the
/// group syncs).
/// </summary>
public sealed class NativeAotExecCredentialTests(ITestOutputHelper output)
{
    private const string Ns = "team-aot";

    [Fact]
    public async Task NativeAotBinary_AuthenticatesWithAnExecCredentialPlugin()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await NativeAotSmokeTests.StartSsmAsync(aot);
        ssm.Seed($"/tfy-secret/{NativeAotOperator.Tenant}/db/PASSWORD", "exec-aot-1");
        var runs = aot.UseExecCredentialPlugin();
        aot.Run();

        await aot.WaitForIntegrationReadyAsync(NativeAotSmokeTests.Integration);
        await new ResourceClient<Entities.V1Alpha1.SecretGroup>(aot.Client).CreateAsync(NativeAotSmokeTests.Group("db", "PASSWORD"), ct);
        await aot.WaitForGroupReadyAsync(Ns, "db");
        await aot.AssertSecretHoldsAsync(Ns, "db", new Dictionary<string, string> { ["PASSWORD"] = "exec-aot-1" });

        Assert.True(File.Exists(runs), "the exec plugin never ran");
        Assert.NotEmpty(await File.ReadAllLinesAsync(runs, ct));
        // Every request the operator made was authenticated as its ServiceAccount (none anonymous, none refused).
        Assert.DoesNotContain(aot.Kube.Requests, r => r.StatusCode == 401);
        aot.AssertCleanRun();
    }
}
