# What the ids of all runs so far look like, without the ids themselves:
# how many lines, how many distinct values, each 32 lowercase hex digits.
ids=@SCRATCH@/ids
hex=yes
while read -r id; do
  case "$id" in
    *[!0-9a-f]*) hex=no ;;
  esac
  [ "${#id}" -eq 32 ] || hex=no
done <"$ids"
echo "lines $(wc -l <"$ids") distinct $(sort -u "$ids" | wc -l) hex32 $hex" > @SCRATCH@/summary
# Per activation: its five lines hold one value.
echo "runs $(uniq "$ids" | wc -l)" >> @SCRATCH@/summary
