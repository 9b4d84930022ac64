# Sourced by the h2load scripts (server-throughput, load-vs-h2load): the prepared gRPC request body of a unary
# /grpcpool.echo.v1.Echo/Unary call, so every script sends exactly the same bytes.

# grpc_echo_body FILE PAYLOAD_BYTES
# Writes the gRPC message framing (1 byte "not compressed", 4 bytes big-endian length) followed by a serialized
# EchoRequest whose field 1 (payload, length-delimited: tag 0x0a, varint length) holds PAYLOAD_BYTES 'x' bytes.
# Payloads up to 16383 bytes (a varint of at most two bytes).
grpc_echo_body() {
  local file=$1 n=$2 varint msg
  if [ "$n" -lt 0 ] || [ "$n" -gt 16383 ]; then
    echo "grpc_echo_body: payload must be 0..16383 bytes, was $n" >&2
    return 1
  elif [ "$n" -lt 128 ]; then
    varint=$(printf '\\x%02x' "$n")
    msg=$((2 + n))
  else
    varint=$(printf '\\x%02x\\x%02x' $(((n & 127) | 128)) $((n >> 7)))
    msg=$((3 + n))
  fi
  {
    printf '\x00'
    printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((msg >> 24 & 255)) $((msg >> 16 & 255)) \
      $((msg >> 8 & 255)) $((msg & 255)))"
    printf '\x0a'
    printf "$varint"
    head -c "$n" /dev/zero | tr '\0' 'x'
  } > "$file"
  [ "$(wc -c < "$file")" -eq $((5 + msg)) ] || { echo "grpc_echo_body: bad body in $file" >&2; return 1; }
}
