using System.Diagnostics.CodeAnalysis;

namespace Operator.References;

/// <summary>
/// The outcome of reading one key. <see cref="ToString"/> never shows <see cref="Value"/>, and <see cref="Error"/>
/// never contains it, so a result may be logged whole.
/// </summary>
public sealed class K8sSecretResult
{
    private K8sSecretResult(string? value, string? version, K8sSecretFailure failure, string? error)
    {
        Value = value;
        Version = version;
        Failure = failure;
        Error = error;
    }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Failure == K8sSecretFailure.None;

    /// <summary>The value, exactly as stored (no trimming of a trailing newline); <c>null</c> on failure.</summary>
    public string? Value { get; }

    /// <summary>The mount's <see cref="K8sSecretResolver.CurrentVersion"/> seen when the value was read.</summary>
    public string? Version { get; }

    public K8sSecretFailure Failure { get; }

    /// <summary>A message for a status condition: names the KEY and the mount, never the value.</summary>
    public string? Error { get; }

    public static K8sSecretResult Success(string value, string version) => new(value, version, K8sSecretFailure.None, null);

    public static K8sSecretResult Failed(K8sSecretFailure failure, string error) =>
        failure == K8sSecretFailure.None
            ? new(null, null, K8sSecretFailure.Unreadable, error)
            : new(null, null, failure, error);

    public override string ToString() => Succeeded
        ? $"K8sSecretResult {{ Succeeded, Value = <redacted>, Version = {Version} }}"
        : $"K8sSecretResult {{ Failure = {Failure}, Error = {Error} }}";
}
