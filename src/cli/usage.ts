// What `atelier help` prints, command by command.
import { settings } from '#src/config.ts';

export const adminUsage = `  domain create --name N                  create an account (domain)
  user create --domain D --name N [--password P] [--role admin|user]
  user list
  user reset-password --domain D --name N [--password P]
                                          a new password (printed when generated); the user's tokens end
  user delete --domain D --name N         with the user's access keys, tokens and memberships
  project create --domain D --name N [--id HEX32] [--user U]...
  project add-member --domain D --project P --user U
  project remove-member --domain D --project P --user U
  project delete --domain D --project P   an empty project (P: name or id), with its memberships and tokens
  project list
  credential create --domain D --user U [--project P] [--description T] [--profile NAME]
                                          a new AK/SK and the project id; --profile saves them for "call"
  credential list
  credential delete --ak AK`;

export const bucketUsage = `  bucket create --domain D --name B       create bucket B for account D (refused when another account owns it)
  bucket grant --bucket B --domain D      let account D use bucket B (read and write)
  bucket revoke --bucket B --domain D     take that grant back
  bucket list                             buckets with a recorded owner, and their grants`;

export const callUsage = `  call METHOD PATH[?QUERY] [--body JSON|@FILE] [--profile NAME | --ak AK --sk SK [--project ID]] [--endpoint URL]
                                          a signed request; {project_id} in PATH is filled in`;

export const serviceUsage = `  service list                            the project's services (through the API, signed as "call" signs;
                                          --profile, --ak/--sk, --project and --endpoint work here too)
  service show --service S                one service (S: id or name)
  service stop --service S                stop it: its instances end and give their share of the pool back
  service start --service S               run it again
  service scale --service S --instances N [--id MODEL_ID]
                                          N instances of each model (or of model MODEL_ID); 0 stops the service`;

export const notebookUsage = `  notebook prepare                        install the notebooks' Jupyter runtime (JupyterLab from PyPI, pinned)
                                          into --notebook-runtime-dir, ahead of the first notebook
  notebook sync CONFIG WORK STATE         the OBS mounts' sync sidecar of a notebook pod (kubernetes executor):
                                          keeps the mounts CONFIG/mounts.json lists in step with the volume WORK`;

export const processUsage = `  process run DIR                         run a processing version staged in DIR (job/job.json, files/) and write
                                          results/ there: what a processing task's pod runs (kubernetes executor)`;

export const batchUsage = `  batch run DIR PORT                      run a batch service's run staged in DIR (job/job.json, files/) against the
                                          model server on localhost:PORT, writing out/ and results/ there: what a
                                          batch service's pod runs (kubernetes executor), over the shard of the
                                          files of its JOB_COMPLETION_INDEX (0 when unset)
  prelabel run DIR PORT                   the same for a pre-labeling task's samples staged in DIR: writes the
                                          model's guesses to results/outcome.json`;

export const usage = `atelier <command> [options]

Commands:
  serve                                   start the server (the first start creates the data directory,
                                          the database and credentials.json)
${adminUsage}
${bucketUsage}
${callUsage}
${serviceUsage}
${notebookUsage}
${processUsage}
${batchUsage}

Every command but serve works on a data directory and database that exist already (the server's:
pass the same options or environment as to serve), and says on stderr which ones it uses. Commands
print JSON on stdout; errors go to stderr with exit code 2 ("call": 1 for a 4xx/5xx answer).

Buckets belong to an account (domain): only it, and the accounts it is granted to, may name the
bucket in an API path. A bucket that exists without a recorded owner (a folder dropped into
<data dir>/obs/) belongs to the server's account, the first one; a new bucket belongs to the first
account that writes to it.

Server options (also ATELIER_* environment variables):
${settings.map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(26)} ${s.about} (default ${s.default})`).join('\n')}
`;
