using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Authentication;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace Operator.Hosting;

/// <summary>
/// Runs a kubeconfig user's exec credential plugin (<c>client.authentication.k8s.io</c>, e.g. <c>aws eks get-token</c>,
/// <c>gke-gcloud-auth-plugin</c>) and hands its token to the client, running it again once the token expires.
/// KubernetesClient's own runner cannot work in the Native AOT binary: it serializes <c>KUBERNETES_EXEC_INFO</c> from a
/// <c>Dictionary&lt;string, dynamic&gt;</c> by reflection, whose dictionary converter has no native code there. This
/// one builds and reads the JSON as nodes. The plugin's output is a credential: it never reaches a message.
/// </summary>
public sealed class ExecCredentialPlugin : ITokenProvider, IDisposable
{
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(30);

    private readonly ExternalExecution exec;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private ExecCredential current;

    private ExecCredentialPlugin(ExternalExecution exec, TimeProvider time, ExecCredential first)
    {
        this.exec = exec;
        this.time = time;
        current = first;
    }

    /// <summary>What a plugin run gave: a bearer token, or a client certificate and key (PEM); and when it expires.</summary>
    public sealed record ExecCredential(string? Token, string? ClientCertificatePem, string? ClientKeyPem, DateTimeOffset? Expires);

    /// <summary>
    /// Replaces the exec block of <paramref name="config"/>'s current user by what one run of its plugin gave, and
    /// returns the token provider that runs it again (null when the config has no exec user or the plugin gave a
    /// client certificate, which the client keeps for the process's life, as KubernetesClient does).
    /// </summary>
    public static ExecCredentialPlugin? Apply(K8SConfiguration config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var contextName = config.CurrentContext;
        var userName = config.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails?.User;
        var credentials = config.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials;
        if (credentials?.ExternalExecution is not { } exec)
        {
            return null;
        }

        var first = Run(exec);
        credentials.ExternalExecution = null;
        if (first.Token is { } token)
        {
            credentials.Token = token;
            return new ExecCredentialPlugin(exec, time ?? TimeProvider.System, first);
        }

        // The library's loader takes -data fields as base64, as in a kubeconfig file.
        credentials.ClientCertificateData = Convert.ToBase64String(Encoding.UTF8.GetBytes(first.ClientCertificatePem!));
        credentials.ClientKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(first.ClientKeyPem!));
        return null;
    }

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        if (IsExpired(current))
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (IsExpired(current))
                {
                    current = await Task.Run(() => Run(exec), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                gate.Release();
            }
        }

        return new AuthenticationHeaderValue("Bearer", current.Token);
    }

    public void Dispose() => gate.Dispose();

    private bool IsExpired(ExecCredential credential) => credential.Expires is { } expires && time.GetUtcNow() >= expires - ExpirySkew;

    /// <summary>One run of the plugin; a failure is a <see cref="KubeConfigException"/> naming the command, never its output.</summary>
    public static ExecCredential Run(ExternalExecution exec)
    {
        ArgumentNullException.ThrowIfNull(exec);
        if (string.IsNullOrWhiteSpace(exec.Command))
        {
            throw new KubeConfigException("users[].user.exec.command: required");
        }

        if (string.IsNullOrWhiteSpace(exec.ApiVersion))
        {
            throw new KubeConfigException("users[].user.exec.apiVersion: required");
        }

        var info = new ProcessStartInfo(exec.Command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in exec.Arguments ?? [])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var pair in exec.EnvironmentVariables ?? [])
        {
            if (pair.TryGetValue("name", out var name) && !string.IsNullOrEmpty(name))
            {
                info.Environment[name] = pair.GetValueOrDefault("value") ?? "";
            }
        }

        info.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject
        {
            ["apiVersion"] = exec.ApiVersion,
            ["kind"] = "ExecCredential",
            ["spec"] = new JsonObject { ["interactive"] = false },
        }.ToJsonString();

        var what = $"exec credential plugin {Echo.Quote(exec.Command)}";
        string stdout;
        try
        {
            using var process = Process.Start(info) ?? throw new KubeConfigException($"{what} did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync(); // drained so the plugin never blocks on a full pipe; never shown
            if (!process.WaitForExit(RunBound))
            {
                process.Kill(entireProcessTree: true);
                throw new KubeConfigException($"{what} did not finish within {RunBound.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            }

            if (process.ExitCode != 0)
            {
                throw new KubeConfigException($"{what} exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}{(exec.InstallHint is { Length: > 0 } hint ? $"; {hint}" : "")}");
            }

            stdout = output.GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KubeConfigException($"{what} cannot be run: {e.Message}{(exec.InstallHint is { Length: > 0 } hint ? $"; {hint}" : "")}");
        }

        return Parse(stdout, exec.ApiVersion, what);
    }

    /// <summary>The plugin's ExecCredential: its apiVersion must be the one asked for, and it must hold a token or a certificate and key.</summary>
    internal static ExecCredential Parse(string stdout, string apiVersion, string what)
    {
        JsonNode? response;
        try
        {
            response = JsonNode.Parse(stdout);
        }
        catch (JsonException)
        {
            throw new KubeConfigException($"{what} printed no ExecCredential JSON");
        }

        if (response is not JsonObject credential || credential["apiVersion"] is not JsonValue v || !v.TryGetValue<string>(out var version) || version != apiVersion)
        {
            throw new KubeConfigException($"{what} printed no ExecCredential of apiVersion {Echo.Quote(apiVersion)}");
        }

        var status = credential["status"] as JsonObject;
        var token = Text(status, "token");
        var certificate = Text(status, "clientCertificateData");
        var key = Text(status, "clientKeyData");
        if (string.IsNullOrEmpty(token) && (string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key)))
        {
            throw new KubeConfigException($"{what} printed an ExecCredential without status.token or status.clientCertificateData and clientKeyData");
        }

        DateTimeOffset? expires = Text(status, "expirationTimestamp") is { Length: > 0 } stamp
            && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return string.IsNullOrEmpty(token) ? new ExecCredential(null, certificate, key, expires) : new ExecCredential(token, null, null, expires);
    }

    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
