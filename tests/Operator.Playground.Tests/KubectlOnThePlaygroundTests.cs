using System.Diagnostics;
using static Operator.Playground.Tests.ShellChecks;

namespace Operator.Playground.Tests;

/// <summary>
/// Issue 18, Must show 1: the kubectl commands a user reaches for, typed verbatim into a shell pointed at the playground
/// (the real kubectl, validation on as by default), each checked on its output's stable parts (<see cref="StableText"/>;
/// <c>...</c> stands for lines the check leaves out).
/// </summary>
public sealed class KubectlOnThePlaygroundTests(SharedPlayground shared) : IClassFixture<SharedPlayground>
{

    // Bound for a watch that never prints, not a timing claim: the first line is one list request away.
    private static readonly TimeSpan HungWatch = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CreateSecretFromLiteral_ApplyAGroup_WaitForReady_ThenTheManagedSecretHoldsTheValue()
    {
        var runs = await TypeAsync(
            "kubectl create secret generic default.kubectl-wait -n secretgroup-source --from-literal=API_KEY=s3cr3t",
            Write("wait.yaml", GroupYaml("kubectl-wait", "API_KEY")),
            "kubectl apply -f wait.yaml",
            "kubectl wait --for=condition=Ready sg/kubectl-wait -n team-a --timeout=60s",
            "kubectl get secret kubectl-wait -n team-a -o jsonpath='{.data.API_KEY}' | base64 -d; echo");
        Shows(runs[0], "secret/default.kubectl-wait created");
        Shows(runs[2], "secretgroup.secrets.tfy.dev/kubectl-wait created");
        Shows(runs[3], "secretgroup.secrets.tfy.dev/kubectl-wait condition met");
        Shows(runs[4], "s3cr3t");
    }

    [Fact]
    public async Task ApplyClientSide_CreatesLeavesUnchangedAndConfigures_AndStrictValidationRefusesAnUnknownField()
    {
        var runs = await TypeAsync(
            Write("client.yaml", GroupYaml("kubectl-client", "API_KEY")),
            "kubectl apply -f client.yaml",
            "kubectl apply -f client.yaml",
            Write("client.yaml", GroupYaml("kubectl-client", "API_KEY", "DB_PASSWORD")),
            "kubectl apply -f client.yaml",
            Write("bad.yaml", GroupYaml("kubectl-bad", "API_KEY") + "  bogus: 1\n"),
            "kubectl apply -f bad.yaml",
            "kubectl get sg kubectl-client -n team-a -o jsonpath='{.spec.secrets[*].key}'; echo");
        Shows(runs[1], "secretgroup.secrets.tfy.dev/kubectl-client created");
        Shows(runs[2], "secretgroup.secrets.tfy.dev/kubectl-client unchanged");
        Shows(runs[4], "secretgroup.secrets.tfy.dev/kubectl-client configured");
        Fails(runs[6], "Error from server (BadRequest): error when creating \"bad.yaml\": SecretGroup in version \"v1alpha1\" cannot be handled as a SecretGroup: strict decoding error: unknown field \"spec.bogus\"");
        Shows(runs[7], "API_KEY DB_PASSWORD");
    }

    [Fact]
    public async Task ApplyServerSide_Applies_AndRefusesAFieldTheSchemaDoesNotDeclare()
    {
        var runs = await TypeAsync(
            Write("ssa.yaml", GroupYaml("kubectl-ssa", "API_KEY")),
            "kubectl apply --server-side -f ssa.yaml",
            "kubectl apply --server-side -f ssa.yaml",
            Write("bad.yaml", GroupYaml("kubectl-ssa", "API_KEY") + "  bogus: 1\n"),
            "kubectl apply --server-side -f bad.yaml",
            "kubectl get sg kubectl-ssa -n team-a -o jsonpath='{.spec.secrets[*].key}'; echo");
        Shows(runs[1], "secretgroup.secrets.tfy.dev/kubectl-ssa serverside-applied");
        Shows(runs[2], "secretgroup.secrets.tfy.dev/kubectl-ssa serverside-applied");
        Fails(runs[4], "Error from server: failed to create typed patch object (team-a/kubectl-ssa; secrets.tfy.dev/v1alpha1, Kind=SecretGroup): .spec.bogus: field not declared in schema");
        Shows(runs[5], "API_KEY");
    }

    [Fact]
    public async Task ApplyKustomizeSamples_OnThePlayground_IsSilentAndChangesNothing()
    {
        // No "missing the kubectl.kubernetes.io/last-applied-configuration annotation" warning: the playground seeds the
        // samples as kubectl apply leaves them. The Secret says "configured" on every apply, as on any cluster: its
        // stringData is never stored, so kubectl always finds it to patch (kubernetes/kubernetes#87736).
        var runs = await TypeAsync("kubectl apply -k config/samples");
        Shows(runs[0], """
            namespace/secretgroup-source unchanged
            namespace/team-a unchanged
            secret/default.openai-keys configured
            secretgroup.secrets.tfy.dev/openai-keys unchanged
            secretstoreintegration.secrets.tfy.dev/k8s-default unchanged
            """);
    }

    [Fact]
    public async Task ExplainSecretGroupSpec_Recursive_ListsTheFieldsWithTheirTypes()
    {
        var runs = await TypeAsync("kubectl explain secretgroup.spec --recursive");
        Shows(runs[0], """
            GROUP: secrets.tfy.dev
            KIND: SecretGroup
            VERSION: v1alpha1

            FIELD: spec <Object>
            ...
            FIELDS:
            collaborators <[]Object>
            roleId <string> -required-
            enum: secret-group-admin, secret-group-editor, secret-group-viewer
            subject <string> -required-
            dataFrom <[]Object>
            ...
            integrationFqn <string> -required-
            refreshInterval <string>
            refreshPolicy <string>
            ...
            secrets <[]Object>
            key <string> -required-
            remoteRef <string>
            ...
            """);
    }

    [Fact]
    public async Task PatchAndEdit_MergeTheChange_AndAnEditTheCrdRefusesChangesNothing()
    {
        var runs = await TypeAsync(
            Write("edit.yaml", GroupYaml("kubectl-edit", "API_KEY")),
            "kubectl apply -f edit.yaml",
            "kubectl patch sg kubectl-edit -n team-a --type merge -p '{\"spec\":{\"refreshInterval\":\"30m\"}}'",
            "KUBE_EDITOR='sed -i s/30m/45m/' kubectl edit sg kubectl-edit -n team-a",
            "kubectl patch sg kubectl-edit -n team-a --type merge -p '{\"spec\":{\"refreshInterval\":\"1ms\"}}'",
            "kubectl get sg kubectl-edit -n team-a -o jsonpath='{.spec.refreshInterval}'; echo");
        Shows(runs[2], "secretgroup.secrets.tfy.dev/kubectl-edit patched");
        Shows(runs[3], "secretgroup.secrets.tfy.dev/kubectl-edit edited");
        Fails(runs[4], "The SecretGroup \"kubectl-edit\" is invalid: spec.refreshInterval: Invalid value: \"string\": must be 0 (no periodic refresh) or between 1s and 24h");
        Shows(runs[5], "45m");
    }

    [Fact]
    public async Task GetEventsAndDescribe_ShowTheSampleGroupsSync()
    {
        var runs = await TypeAsync("kubectl get events -n team-a --field-selector involvedObject.name=openai-keys", "kubectl describe sg openai-keys -n team-a");
        Shows(runs[0], $$"""
            LAST SEEN TYPE REASON OBJECT MESSAGE
            ...
            <age> Normal Synced secretgroup/openai-keys wrote Secret openai-keys with 2 keys from {{SampleIntegration}}
            ...
            """);
        Shows(runs[1], """
            Name: openai-keys
            Namespace: team-a
            ...
            API Version: secrets.tfy.dev/v1alpha1
            Kind: SecretGroup
            ...
            Spec:
            ...
            Status:
            ...
            Events:
            Type Reason Age From Message
            ---- ------ ---- ---- -------
            ...
            """);
    }

    [Fact]
    public async Task Delete_RemovesTheGroup_AndGetThenSaysNotFound()
    {
        var runs = await TypeAsync(
            Write("gone.yaml", GroupYaml("kubectl-gone", "API_KEY")),
            "kubectl apply -f gone.yaml",
            "kubectl delete sg kubectl-gone -n team-a",
            "kubectl get sg kubectl-gone -n team-a");
        Shows(runs[2], "secretgroup.secrets.tfy.dev \"kubectl-gone\" deleted");
        Fails(runs[3], "Error from server (NotFound): secretgroups.secrets.tfy.dev \"kubectl-gone\" not found");
    }

    [Fact]
    public async Task AuthCanI_AnswersAsRbacGrants_ForTheAdminAndTheSampleUsers()
    {
        var runs = await TypeAsync(
            "kubectl auth can-i create secretgroups -n team-a",
            "kubectl auth can-i --as editor get secret/openai-keys -n team-a",
            "kubectl auth can-i --as viewer get secret/openai-keys -n team-a",
            "kubectl --token=$VIEWER_TOKEN auth can-i delete sg/openai-keys -n team-a");
        Shows(runs[0], "yes");
        Shows(runs[1], "yes");
        Fails(runs[2], "no");
        Fails(runs[3], "no");
    }

    [Fact]
    public async Task GetWideAndYaml_ShowTheColumnsAndTheObject()
    {
        var runs = await TypeAsync("kubectl get sg openai-keys -n team-a -o wide", "kubectl get sg openai-keys -n team-a -o yaml");
        Shows(runs[0], """
            NAME READY FQN KEYS LAST SYNC REASON AGE
            openai-keys True default:openai-keys 2 <age> Synced <age>
            """);
        Shows(runs[1], $$"""
            apiVersion: secrets.tfy.dev/v1alpha1
            kind: SecretGroup
            metadata:
            ...
            name: openai-keys
            namespace: team-a
            ...
            spec:
            ...
            integrationFqn: {{SampleIntegration}}
            ...
            status:
            ...
            """);
    }

    [Fact]
    public async Task GetWatch_PrintsTheGroup_ThenItsChange_UntilStopped()
    {
        var playground = await shared.GetAsync();
        var kubectl = new Kubectl(playground);
        using var watch = kubectl.Start(["get", "sg", "-n", "team-a", "-w", "--output-watch-events"]);
        try
        {
            var lines = new List<string>();
            await ReadUntilAsync(watch, lines, l => l.StartsWith("ADDED ", StringComparison.Ordinal) && l.Contains("openai-keys", StringComparison.Ordinal));
            await kubectl.RunAsync("annotate", "sg", "openai-keys", "-n", "team-a", "--overwrite", "example.com/touched=now");
            await ReadUntilAsync(watch, lines, l => l.StartsWith("MODIFIED ", StringComparison.Ordinal) && l.Contains("openai-keys", StringComparison.Ordinal));
            Assert.Equal("EVENT NAME READY FQN KEYS LAST SYNC AGE", StableText.Of(lines[0]));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }

    private static async Task ReadUntilAsync(Process watch, List<string> lines, Func<string, bool> wanted)
    {
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(HungWatch);
        while (await watch.StandardOutput.ReadLineAsync(hung.Token) is { } line)
        {
            lines.Add(line);
            if (wanted(line))
            {
                return;
            }
        }

        Assert.Fail($"kubectl get -w ended before the expected line: {await watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}\n{string.Join('\n', lines)}");
    }

    private async Task<IReadOnlyList<CommandRun>> TypeAsync(params string[] commands)
    {
        Kubectl.RequireInstalled();
        return await DocShell.RunAsync(await shared.GetAsync(), [], commands);
    }
}
