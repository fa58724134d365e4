using static Operator.Playground.Tests.ShellChecks;

namespace Operator.Playground.Tests;

/// <summary>
/// Issue 20, Must show 6 (kubectl plugin): <c>kubectl secretgroup status|sync|why|refs</c> typed into a shell pointed at
/// the playground; the real kubectl finds the plugin on PATH and the plugin talks to the playground's API server.
/// </summary>
public sealed class KubectlPluginTests(SharedPlayground shared) : IClassFixture<SharedPlayground>
{

    [Fact]
    public async Task KubectlPluginList_FindsTheSecretgroupPluginOnPath()
    {
        var runs = await TypeAsync("kubectl plugin list");
        Shows(runs[0], $"""
            The following compatible plugins are available:

            {KubectlPlugin.Dir}/kubectl-secretgroup
            """);
    }

    [Fact]
    public async Task Status_ListsTheSampleGroup_WithReadinessReasonAndSyncTimes()
    {
        var runs = await TypeAsync("kubectl secretgroup status -A", "kubectl secretgroup status -n team-a", "kubectl secretgroup status -n nowhere");
        Shows(runs[0], """
            NAMESPACE NAME READY REASON LAST SYNC NEXT SYNC KEYS
            ...
            team-a openai-keys True Synced <age> ago in <age> 2
            ...
            """);
        Shows(runs[1], """
            NAME READY REASON LAST SYNC NEXT SYNC KEYS
            ...
            openai-keys True Synced <age> ago in <age> 2
            ...
            """);
        Shows(runs[2], "No SecretGroups found in namespace nowhere.");
    }

    [Fact]
    public async Task Sync_SetsForceSync_AndReturnsOnlyOnceTheOperatorSyncedTheNewValue()
    {
        // The source value changes and the group refreshes hourly: only the sync the plugin asks for brings it.
        var runs = await TypeAsync(
            "kubectl create secret generic default.plugin-sync -n secretgroup-source --from-literal=API_KEY=first",
            Write("sync.yaml", GroupYaml("plugin-sync", "API_KEY")),
            "kubectl apply -f sync.yaml",
            "kubectl wait --for=condition=Ready sg/plugin-sync -n team-a --timeout=60s",
            "kubectl create secret generic default.plugin-sync -n secretgroup-source --from-literal=API_KEY=second --dry-run=client -o yaml | kubectl apply -f -",
            "kubectl secretgroup sync plugin-sync -n team-a",
            "kubectl get secret plugin-sync -n team-a -o jsonpath='{.data.API_KEY}' | base64 -d; echo",
            "kubectl get sg plugin-sync -n team-a -o jsonpath='{.metadata.annotations.secrets\\.tfy\\.dev/force-sync}' | grep -c .",
            "kubectl secretgroup sync nope -n team-a");
        Shows(runs[5], """
            secretgroup team-a/plugin-sync: asked for a sync (secrets.tfy.dev/force-sync=<time>); waiting up to <age> ...
            secretgroup team-a/plugin-sync: synced 1 keys into Secret plugin-sync (data changed) at <time>
            """);
        Shows(runs[6], "second");
        Shows(runs[7], "1");
        Fails(runs[8], "error: secretgroup team-a/nope not found");
    }

    [Fact]
    public async Task Why_ExplainsAFailingGroup_WithItsConditionAndWarningEvent()
    {
        var runs = await TypeAsync(
            Write("why.yaml", GroupYaml("plugin-why", "MISSING_KEY")),
            "kubectl apply -f why.yaml",
            "kubectl wait --for=condition=Ready=False sg/plugin-why -n team-a --timeout=60s",
            "kubectl secretgroup why plugin-why -n team-a",
            "kubectl secretgroup why openai-keys -n team-a");
        Shows(runs[3], """
            SecretGroup team-a/plugin-why (default:plugin-why) is not Ready since <age> ago (SecretNotFound): not found in '<any>': MISSING_KEY (default.plugin-why/MISSING_KEY); the managed Secret is unchanged.
            Conditions:
            ...
            Events, oldest first (the last 1):
            <age> ago: Warning SecretNotFound<any>: not found in '<any>': MISSING_KEY (default.plugin-why/MISSING_KEY); the managed Secret is unchanged
            """);
        Shows(runs[4], """
            SecretGroup team-a/openai-keys (default:openai-keys) is Ready since <age> ago (Synced): 2 keys synced from <any>
            Last sync <age> ago: 2 keys into Secret openai-keys; data not changed since the first sync; next sync in <age>
            ...
            <age> ago: Normal Synced: wrote Secret openai-keys with 2 keys from <any>
            ...
            """);
    }

    [Fact]
    public async Task Refs_ParsesEachFormWithTheOperatorsParser_AndSaysWhatItPointsTo()
    {
        var runs = await TypeAsync(
            "kubectl secretgroup refs tfy-secret://default:openai-keys:OPENAI_API_KEY",
            $"kubectl secretgroup refs '{SampleIntegration}::default.openai-keys/OPENAI_API_KEY'",
            "kubectl secretgroup refs tfy-k8s-secret://VAULT_TOKEN",
            "kubectl secretgroup refs 'tfy-secret:/default:openai-keys:OPENAI_API_KEY'",
            "kubectl secretgroup refs tfy-secret://default:nobody:KEY");
        Shows(runs[0], $"""
            tfy-secret://default:openai-keys:OPENAI_API_KEY: key OPENAI_API_KEY of SecretGroup openai-keys in tenant default (group FQN default:openai-keys).
            SecretGroup team-a/openai-keys publishes it: read from <any>, written to Secret team-a/openai-keys key OPENAI_API_KEY.
            The group is Ready since <age> ago (Synced): <any>
            """);
        Shows(runs[1], $"""
            {SampleIntegration}::default.openai-keys/OPENAI_API_KEY: path default.openai-keys/OPENAI_API_KEY in the store of integration {SampleIntegration}
            ...
            SecretStoreIntegration k8s-default is Ready since <age> ago <any>
            Read by: team-a/openai-keys key OPENAI_API_KEY.
            """);
        Shows(runs[2], "tfy-k8s-secret://VAULT_TOKEN: key VAULT_TOKEN of the Kubernetes Secret mounted into the operator's pod (allowed only in SecretStoreIntegration fields).");
        Fails(runs[3], "not a reference: reference: reference must start with exactly 'tfy-secret://' (lowercase, two slashes), got 'tfy-secret:/d'");
        Shows(runs[4], """
            ...
            No SecretGroup in this cluster has the FQN default:nobody <any>
            """);
    }

    private async Task<IReadOnlyList<CommandRun>> TypeAsync(params string[] commands)
    {
        Kubectl.RequireInstalled();
        return await DocShell.RunAsync(await shared.GetAsync(), [KubectlPlugin.OnPath], commands);
    }
}
