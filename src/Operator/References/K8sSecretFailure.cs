using System.Diagnostics.CodeAnalysis;

namespace Operator.References;

/// <summary>Why a <c>tfy-k8s-secret://</c> key could not be read.</summary>
public enum K8sSecretFailure
{
    None,

    /// <summary>The KEY is not a valid Secret key (this also refuses '/', '..' and '..data').</summary>
    InvalidKey,

    /// <summary>No such key in the mount, or the mount itself is missing.</summary>
    NotFound,

    /// <summary>The key's real path, after following symlinks, is not inside the mount.</summary>
    OutsideMount,

    /// <summary>The key is a directory or something else that is not a regular file.</summary>
    NotAFile,

    /// <summary>The file is larger than a Kubernetes Secret can be.</summary>
    TooLarge,

    /// <summary>The bytes are not valid UTF-8.</summary>
    NotUtf8,

    /// <summary>Permission denied or another I/O error.</summary>
    Unreadable,
}
