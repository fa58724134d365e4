using System.Collections.Concurrent;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Operator.References;

namespace Operator.Stores.Aws;

/// <summary>
/// AWS SSM Parameter Store: a path is a parameter name; values are SecureStrings, read decrypted in batches of
/// <see cref="BatchSize"/> names per GetParameters call. Every call takes a rate-limit token and runs inside the
/// integration's retry.
/// </summary>
public sealed class SsmStore : ISecretStore
{
    /// <summary>GetParameters takes at most 10 names.</summary>
    public const int BatchSize = 10;

    public const string DefaultPrefix = "/tfy-secret/";

    /// <summary>
    /// PutParameter on the Standard tier (the default, which the operator writes) refuses more: "Standard tier
    /// parameters support a maximum parameter value of 4096 characters" (ValidationException; 8 KB needs Advanced).
    /// </summary>
    public const int MaxValueCharacters = 4096;

    private const int ChunksInParallel = 4;

    /// <summary>The name the connectivity check asks for; nothing is ever stored there.</summary>
    private const string ProbeName = "tfy-operator-connectivity-probe";
    private readonly IAmazonSimpleSystemsManagement client;
    private readonly string prefix;
    private readonly string? kmsKeyArn;
    private readonly StoreContext context;

    internal SsmStore(IAmazonSimpleSystemsManagement client, AWSCredentials? credentials, string prefix, string? kmsKeyArn, StoreContext context)
    {
        this.client = client;
        Credentials = credentials;
        this.prefix = prefix;
        this.kmsKeyArn = string.IsNullOrEmpty(kmsKeyArn) ? null : kmsKeyArn;
        this.context = context;
    }

    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: BatchSize, CanWrite: true, MaxValueBytes: MaxValueCharacters, MaxConcurrency: ChunksInParallel, CanList: true);

    /// <summary>The credentials the client signs with; null means the SDK's ambient chain.</summary>
    internal AWSCredentials? Credentials { get; }

    public string DefaultPath(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        return $"{prefix}{group.Tenant}/{group.Group}/{key}";
    }

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = paths.Distinct(StringComparer.Ordinal).ToList();
        names.ForEach(SsmPaths.Check);
        var result = new ConcurrentDictionary<string, StoreValue>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            names.Chunk(BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = ChunksInParallel, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var response = await CallAsync(
                    "GetParameters",
                    chunk.Length == 1 ? $"'{chunk[0]}'" : $"{chunk.Length} parameters",
                    c => client.GetParametersAsync(new GetParametersRequest { Names = [.. chunk], WithDecryption = true }, c),
                    ct).ConfigureAwait(false);
                foreach (var p in response.Parameters ?? [])
                {
                    result[p.Name] = new StoreValue(StoreText.Decode(p.Value), (p.Version ?? 0).ToString(CultureInfo.InvariantCulture));
                }

                // InvalidParameters lists the names that do not exist: absent, not an error.
            }).ConfigureAwait(false);
        return result;
    }

    public async Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var values = await ReadManyAsync([path], cancellationToken).ConfigureAwait(false);
        return values.TryGetValue(path, out var v) ? v : null;
    }

    /// <summary>
    /// find: GetParametersByPath on the prefix's folder, Recursive and WithDecryption, <see cref="BatchSize"/> a page (its
    /// MaxResults limit) following NextToken; the values come with the listing, so nothing is read again. SSM keeps tags
    /// apart from values (ListTagsForResource, one call per parameter), so find.tags is not offered here.
    /// </summary>
    public async Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Prefix.StartsWith('/'))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"find path {Echo.Quote(query.Prefix)}: an SSM path begins with '/'");
        }

        var slash = query.Prefix.LastIndexOf('/');
        var folder = slash == 0 ? "/" : query.Prefix[..slash];
        var found = new List<ListedPath>();
        var scanned = 0;
        string? next = null;
        do
        {
            var token = next;
            var page = await CallAsync(
                "GetParametersByPath",
                $"'{folder}'",
                c => client.GetParametersByPathAsync(new GetParametersByPathRequest { Path = folder, Recursive = true, WithDecryption = true, MaxResults = BatchSize, NextToken = token }, c),
                cancellationToken).ConfigureAwait(false);
            foreach (var p in page.Parameters ?? [])
            {
                var name = p.Name.StartsWith(query.Prefix, StringComparison.Ordinal) ? p.Name[query.Prefix.Length..].TrimStart('/') : "";
                if (name.Length > 0 && query.Name(name))
                {
                    found.Add(new ListedPath(p.Name, name, new StoreValue(StoreText.Decode(p.Value), (p.Version ?? 0).ToString(CultureInfo.InvariantCulture))));
                    if (found.Count == query.Limit)
                    {
                        return found;
                    }
                }
            }

            scanned += page.Parameters?.Count ?? 0;
            if (scanned >= ListQuery.MaxScanned)
            {
                throw new SecretStoreException(StoreErrorKind.InvalidPath, $"more than {ListQuery.MaxScanned} parameters under '{folder}'; narrow the find path");
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
        return found;
    }

    /// <summary>GetParameter of <c>name:version</c>, SSM's selector for one of the (up to 100) versions it keeps.</summary>
    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        SsmPaths.Check(path);
        var numbered = long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1;
        if (!numbered && !IsLabel(version))
        {
            return null;
        }

        // "name:version" or "name:label"; the answer names the version number either way.
        var selector = $"{path}:{(numbered ? number.ToString(CultureInfo.InvariantCulture) : version)}";
        var parameter = await CallAsync(
            "GetParameter",
            $"'{selector}'",
            async c =>
            {
                try
                {
                    return (await client.GetParameterAsync(new GetParameterRequest { Name = selector, WithDecryption = true }, c).ConfigureAwait(false)).Parameter;
                }
                catch (Exception e) when (e is ParameterNotFoundException or ParameterVersionNotFoundException)
                {
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false);
        return parameter is null ? null : new StoreValue(StoreText.Decode(parameter.Value), parameter.Version?.ToString(CultureInfo.InvariantCulture) ?? version);
    }

    /// <summary>
    /// An SSM parameter label: "A label can have a maximum of 100 characters. Labels can contain letters (case
    /// sensitive), numbers, periods (.), hyphens (-), or underscores (_). Labels can't begin with a number, aws or ssm".
    /// </summary>
    public static bool IsLabel(string text) =>
        text.Length is >= 1 and <= 100
        && !char.IsAsciiDigit(text[0])
        && !text.StartsWith("aws", StringComparison.OrdinalIgnoreCase)
        && !text.StartsWith("ssm", StringComparison.OrdinalIgnoreCase)
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        SsmPaths.Check(path);
        if (value.Length == 0)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"SSM cannot store an empty value at {Echo.Quote(path)}");
        }

        var text = StoreText.Encode(value.Span);
        StoreText.CheckSize(path, text.Length, MaxValueCharacters, "characters", "an SSM Standard-tier parameter");

        var response = await CallAsync(
            "PutParameter",
            $"'{path}'",
            c => client.PutParameterAsync(
                new PutParameterRequest { Name = path, Value = text, Type = ParameterType.SecureString, Overwrite = true, KeyId = kmsKeyArn },
                c),
            cancellationToken).ConfigureAwait(false);
        return (response.Version ?? 0).ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        SsmPaths.Check(path);
        await CallAsync(
            "DeleteParameter",
            $"'{path}'",
            async c =>
            {
                try
                {
                    await client.DeleteParameterAsync(new DeleteParameterRequest { Name = path }, c).ConfigureAwait(false);
                }
                catch (ParameterNotFoundException)
                {
                    // Already gone: deleting is idempotent.
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One GetParameters of a probe name under the tenant's prefix (absent, so nothing is decrypted): it proves the
    /// credentials and read access with the same action and resource a group read needs, so a policy scoped to
    /// <c>parameter/&lt;prefix&gt;&lt;tenant&gt;/*</c> allows it. GetParametersByPath on the prefix itself would need
    /// <c>parameter/&lt;prefix&gt;&lt;tenant&gt;</c>, which such a policy denies.
    /// </summary>
    public async Task ValidateAsync(CancellationToken cancellationToken)
    {
        var probe = $"{prefix}{context.Fqn.Tenant}/{ProbeName}";
        SsmPaths.Check(probe);
        await CallAsync(
            "GetParameters",
            $"'{probe}'",
            c => client.GetParametersAsync(new GetParametersRequest { Names = [probe], WithDecryption = false }, c),
            cancellationToken).ConfigureAwait(false);
    }

    private Task<T> CallAsync<T>(string operation, string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        context.Retry.ExecuteAsync(
            async ct =>
            {
                await context.RateLimiter.AcquireAsync(ct).ConfigureAwait(false);
                try
                {
                    return await call(ct).ConfigureAwait(false);
                }
                catch (AmazonServiceException e)
                {
                    throw SsmErrors.Map(e, operation, what);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e) when (e is AmazonClientException or HttpRequestException or TimeoutException or TaskCanceledException)
                {
                    throw SsmErrors.MapClient(e, operation);
                }
            },
            cancellationToken);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
